<?php

declare(strict_types=1);

namespace Grav\Plugin;

use Grav\Common\Plugin;
use Grav\Common\Utils;
use Grav\Plugin\Poisk\Client;
use Grav\Plugin\Poisk\Result;
use Grav\Plugin\Poisk\RouteCollector;
use Grav\Plugin\Poisk\State;
use RocketTheme\Toolbox\Event\Event;

/**
 * Poisk search for Grav: the search box on the site's pages, and search that follows every save.
 *
 * Saves, deletions, moves and translations (the admin panel of Grav 1.7, Flex pages, Grav 2.0's API) are
 * collected during the request, each route once, and sent to Poisk in one signed call after Grav has
 * answered the editor (onShutdown), with a short timeout: a save never waits for search, and a failure
 * is logged, never shown as a failed save.
 */
class PoiskPlugin extends Plugin
{
    private const EMBED_TTL = 3600;
    private const EMBED_RETRY = 60;

    private RouteCollector $changes;

    /** @return array<string, array{0: string, 1: int}> */
    public static function getSubscribedEvents(): array
    {
        return [
            'onPluginsInitialized' => ['onPluginsInitialized', 0],
            'onAdminSave' => ['onAdminSave', 0],
            'onAdminAfterSave' => ['onAdminAfterSave', 0],
            'onAdminAfterDelete' => ['onAdminAfterDelete', 0],
            'onFlexObjectAfterSave' => ['onFlexObjectAfterSave', 0],
            'onFlexObjectAfterDelete' => ['onFlexObjectAfterDelete', 0],
            'onApiPageCreated' => ['onApiPageChanged', 0],
            'onApiPageUpdated' => ['onApiPageChanged', 0],
            'onApiPageTranslated' => ['onApiPageChanged', 0],
            'onApiPageMoved' => ['onApiPageChanged', 0],
            'onApiPageDeleted' => ['onApiPageDeleted', 0],
            'onAdminTaskExecute' => ['onAdminTaskExecute', 0],
            'onSchedulerInitialized' => ['onSchedulerInitialized', 0],
            'onTwigTemplatePaths' => ['onTwigTemplatePaths', 0],
            'onTwigSiteVariables' => ['onTwigSiteVariables', 0],
            'onOutputGenerated' => ['onOutputGenerated', 0],
            'onShutdown' => ['onShutdown', 0],
        ];
    }

    public function __construct($name, $grav, $config = null)
    {
        parent::__construct($name, $grav, $config);
        self::autoload();
        $this->changes = new RouteCollector();
    }

    public static function autoload(): void
    {
        foreach (['Signature', 'RouteCollector', 'Payload', 'Result', 'Client', 'State'] as $class) {
            require_once __DIR__ . "/classes/{$class}.php";
        }
    }

    public function onPluginsInitialized(): void
    {
        if ($this->isAdmin()) {
            $this->enable([
                'onAdminTwigTemplatePaths' => ['onAdminTwigTemplatePaths', 0],
                'onAdminDashboard' => ['onAdminDashboard', 0],
            ]);
        }
    }

    public function client(?float $timeout = null): Client
    {
        $config = $this->config();

        return new Client(
            (string) ($config['url'] ?? 'http://127.0.0.1:8000'),
            (string) ($config['secret'] ?? ''),
            $timeout ?? (float) ($config['timeout'] ?? 2.0),
        );
    }

    public function changes(): RouteCollector
    {
        return $this->changes;
    }

    // -- saves, deletions, moves and translations ---------------------------------------------------------

    /** Before a save: the page's route as it was, so that a move also clears its old address. */
    public function onAdminSave(Event $event): void
    {
        $object = $event['object'] ?? $event['page'] ?? null;
        if (is_object($object) && method_exists($object, 'getOriginal')) {
            $this->collect($object->getOriginal());
        }
    }

    public function onAdminAfterSave(Event $event): void
    {
        $this->collect($event['page'] ?? $event['object'] ?? null);
    }

    public function onAdminAfterDelete(Event $event): void
    {
        $this->collect($event['page'] ?? $event['object'] ?? null, true);
    }

    public function onFlexObjectAfterSave(Event $event): void
    {
        $this->collect($event['object'] ?? null);
    }

    public function onFlexObjectAfterDelete(Event $event): void
    {
        $this->collect($event['object'] ?? null, true);
    }

    /** Grav 2.0's API: page, route, old_route and new_route, lang. */
    public function onApiPageChanged(Event $event): void
    {
        $lang = is_string($event['lang'] ?? null) ? $event['lang'] : null;
        foreach (['old_route', 'new_route', 'route'] as $key) {
            if (is_string($event[$key] ?? null)) {
                $this->changes->add($event[$key], $lang);
            }
        }
        $this->collect($event['page'] ?? null);
    }

    public function onApiPageDeleted(Event $event): void
    {
        $lang = is_string($event['lang'] ?? null) ? $event['lang'] : null;
        if (is_string($event['route'] ?? null)) {
            $this->changes->add($event['route'], $lang, true);
        }
        $this->collect($event['page'] ?? null, true);
    }

    private function collect(mixed $page, bool $deleted = false): void
    {
        if (!is_object($page) || !method_exists($page, 'route')) {
            return; // a user, the configuration, a file: not a page
        }
        if (method_exists($page, 'isPage') && !$page->isPage()) {
            return;
        }
        $lang = method_exists($page, 'language') ? $page->language() : null;
        $this->changes->add((string) $page->route(), is_string($lang) ? $lang : null, $deleted);
    }

    /** After Grav has answered: one signed call for every change of this request. */
    public function onShutdown(): void
    {
        if ($this->changes->isEmpty() || !($this->config()['enabled'] ?? true)) {
            return;
        }
        $result = $this->client()->pagesChanged($this->changes);
        if (!$result->ok()) {
            $this->log('warning', 'Poisk was not told about ' . implode(', ', $this->changes->routes()) . ': ' . $result->describe());
        }
        $this->changes->clear();
    }

    // -- the admin panel: index state and "Reindex now" ---------------------------------------------------

    public function state(): State
    {
        return State::fromHealth($this->client()->health());
    }

    public function onAdminTwigTemplatePaths(Event $event): void
    {
        $paths = $event['paths'];
        $paths[] = __DIR__ . '/admin/templates';
        $event['paths'] = $paths;
    }

    /** The dashboard card: Poisk's index state and the "Reindex now" button. */
    public function onAdminDashboard(): void
    {
        $twig = $this->grav['twig'];
        $twig->plugins_hooked_dashboard_widgets_top[] = ['template' => 'dashboard-poisk'];
        $twig->twig_vars['poisk_state'] = $this->state();
        $twig->twig_vars['poisk_url'] = $this->client()->base();
    }

    /** The "Reindex now" button: an admin task, checked with Grav's nonce. */
    public function onAdminTaskExecute(Event $event): bool
    {
        if (($event['method'] ?? '') !== 'taskPoiskReindex') {
            return false;
        }
        $nonce = (string) ($_POST['admin-nonce'] ?? $_GET['admin-nonce'] ?? '');
        if (!Utils::verifyNonce($nonce, 'admin-form')) {
            $this->notice('PLUGIN_POISK.NONCE_INVALID', 'error');
            return true;
        }
        $result = $this->client()->reindexAll('reindex-now');
        $this->notice($result->ok() ? 'PLUGIN_POISK.REINDEX_STARTED' : 'PLUGIN_POISK.REINDEX_FAILED', $result->ok() ? 'info' : 'error');
        if (!$result->ok()) {
            $this->log('warning', 'Poisk reindex failed: ' . $result->describe());
        }

        return true;
    }

    /** A nightly reconciliation: Poisk looks at every page, in case a change was missed. */
    public function onSchedulerInitialized(Event $event): void
    {
        if (!($this->config()['nightly'] ?? true)) {
            return;
        }
        $scheduler = $event['scheduler'];
        $job = $scheduler->addFunction([$this, 'reconcile'], [], 'poisk-reconcile');
        $job->at((string) ($this->config()['nightly_at'] ?? '30 3 * * *'));
        if (method_exists($job, 'backlink')) {
            $job->backlink('/plugins/poisk');
        }
    }

    public function reconcile(): bool
    {
        $result = $this->client(10.0)->reindexAll('nightly');
        if (!$result->ok()) {
            $this->log('warning', 'Poisk nightly reconciliation failed: ' . $result->describe());
        }

        return $result->ok();
    }

    // -- the search box on the site ----------------------------------------------------------------------

    public function onTwigTemplatePaths(): void
    {
        $this->grav['twig']->twig_paths[] = __DIR__ . '/templates';
    }

    public function onTwigSiteVariables(): void
    {
        if ($this->isAdmin() || !$this->wanted()) {
            return;
        }
        $embed = $this->embed();
        $lang = $this->language();
        $this->grav['twig']->twig_vars['poisk'] = [
            'lang' => $lang,
            'src' => $embed['src'] ?? null,
            'integrity' => $embed['integrity'] ?? null,
            'placeholder' => $this->config()['placeholder'] ?? null,
        ];
        if (isset($embed['src'])) {
            $this->grav['assets']->addJs($embed['src'], [
                'loading' => 'defer',
                'integrity' => $embed['integrity'] ?? null,
                'crossorigin' => 'anonymous',
            ]);
        }
    }

    /** With "inject" on, the box goes where the theme's search form was, or at the start of the page's main. */
    public function onOutputGenerated(): void
    {
        $config = $this->config();
        if ($this->isAdmin() || !($config['inject'] ?? false) || !$this->wanted()) {
            return;
        }
        $output = (string) $this->grav->output;
        $box = $this->grav['twig']->processTemplate('partials/poisk.html.twig', ['poisk' => $this->grav['twig']->twig_vars['poisk'] ?? ['lang' => $this->language()]]);
        $this->grav->output = self::inject($output, $box, (string) ($config['inject_marker'] ?? '<!-- poisk -->'));
    }

    /** Put the box at the marker, else in place of a search form (id or class "search"), else after <main>. */
    public static function inject(string $html, string $box, string $marker = '<!-- poisk -->'): string
    {
        if ($marker !== '' && str_contains($html, $marker)) {
            return str_replace($marker, $box, $html);
        }
        $form = '#<form\b[^>]*\b(?:id|class)="[^"]*\bsearch[^"]*"[^>]*>.*?</form>#si';
        if (preg_match($form, $html)) {
            return (string) preg_replace($form, $box, $html, 1);
        }
        if (preg_match('#<main\b[^>]*>#i', $html)) {
            return (string) preg_replace('#(<main\b[^>]*>)#i', '$1' . $box, $html, 1);
        }

        return $html;
    }

    /** Whether the current page gets the box: the widget on, its language and route among those chosen. */
    private function wanted(): bool
    {
        $config = $this->config();
        if (!($config['widget'] ?? true)) {
            return false;
        }
        $languages = array_filter((array) ($config['languages'] ?? []));
        if ($languages !== [] && !in_array($this->language(), $languages, true)) {
            return false;
        }
        $prefixes = array_filter((array) ($config['pages'] ?? []));
        if ($prefixes === []) {
            return true;
        }
        $page = $this->grav['page'] ?? null;
        $route = is_object($page) && method_exists($page, 'route') ? (string) $page->route() : '/';
        foreach ($prefixes as $prefix) {
            $prefix = '/' . trim((string) $prefix, '/');
            if ($prefix === '/' || $route === $prefix || str_starts_with($route, $prefix . '/')) {
                return true;
            }
        }

        return false;
    }

    public function language(): string
    {
        $language = $this->grav['language'] ?? null;
        $active = is_object($language) && method_exists($language, 'getActive') ? $language->getActive() : null;
        if (is_string($active) && $active !== '') {
            return $active;
        }
        $default = is_object($language) && method_exists($language, 'getDefault') ? $language->getDefault() : null;

        return is_string($default) && $default !== '' ? $default : (string) ($this->config()['default_lang'] ?? 'kk');
    }

    /** The widget script's address and hash from Poisk, kept an hour (a minute after a failure). */
    public function embed(): array
    {
        $cache = $this->grav['cache'] ?? null;
        $key = 'poisk-embed-' . md5((string) ($this->config()['url'] ?? ''));
        if (is_object($cache) && ($kept = $cache->fetch($key)) !== false && is_array($kept)) {
            return $kept;
        }
        $result = $this->client(1.0)->embed();
        $data = $result->ok() ? ($result->json() ?? []) : [];
        $embed = isset($data['src'], $data['integrity']) ? ['src' => (string) $data['src'], 'integrity' => (string) $data['integrity']] : [];
        if ($embed === [] && $result->status !== 200) {
            $this->log('warning', 'Poisk widget unavailable: ' . $result->describe());
        }
        if (is_object($cache)) {
            $cache->save($key, $embed, $embed === [] ? self::EMBED_RETRY : self::EMBED_TTL);
        }

        return $embed;
    }

    private function log(string $level, string $message): void
    {
        $log = $this->grav['log'] ?? null;
        if (is_object($log) && is_callable([$log, $level])) {
            $log->{$level}('[poisk] ' . $message);
        }
    }

    private function notice(string $key, string $type): void
    {
        $messages = $this->grav['messages'] ?? null;
        $language = $this->grav['language'] ?? null;
        $text = is_object($language) && method_exists($language, 'translate') ? $language->translate([$key]) : $key;
        if (is_object($messages) && method_exists($messages, 'add')) {
            $messages->add((string) $text, $type);
        }
    }
}
