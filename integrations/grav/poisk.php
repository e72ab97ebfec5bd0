<?php

declare(strict_types=1);

namespace Grav\Plugin;

use Grav\Common\Grav;
use Grav\Common\Plugin;
use Grav\Common\Utils;
use Grav\Plugin\Poisk\Card;
use Grav\Plugin\Poisk\Client;
use Grav\Plugin\Poisk\Embed;
use Grav\Plugin\Poisk\FileCache;
use Grav\Plugin\Poisk\RouteCollector;
use RocketTheme\Toolbox\Event\Event;

/**
 * Poisk search for Grav: the search box on the site's pages, and search that follows every save.
 *
 * Saves, deletions, moves, reorders and translations (the admin panel of Grav 1.7, Flex pages, Grav
 * 2.0's API) are collected during the request, each route once, and sent to Poisk in one signed
 * call once the editor has the answer, with a short timeout: a save never waits for search, and a
 * failure is logged, never shown as a failed save.
 *
 * "Once the editor has the answer" takes two roads. A rendered response (Grav 2.0's API, AJAX)
 * ends in Grav's shutdown, which closes the connection and fires onShutdown. An admin save ends in
 * a redirect, and Grav::close() exits without onShutdown: a PHP shutdown function, registered with
 * the first change, finishes the request (FastCGI) and sends what onShutdown did not.
 */
class PoiskPlugin extends Plugin
{
    public const CARD = 'dashboard-poisk';
    private const EMBED_TTL = 3600;
    private const EMBED_RETRY = 60;
    private const REINDEX_PERMISSIONS = ['admin.super', 'admin.plugins', 'admin.maintenance', 'admin.pages'];

    private RouteCollector $changes;
    private bool $atExit = false;

    /** @return array<string, array{0: string, 1: int}> */
    public static function getSubscribedEvents(): array
    {
        return [
            'onPluginsInitialized' => ['onPluginsInitialized', 0],
            // Grav 1.7's admin panel (and Grav 2.0's API, which fires the same events for compatibility)
            'onAdminSave' => ['onAdminSave', 0],
            'onAdminAfterSave' => ['onAdminAfterSave', 0],
            'onAdminAfterDelete' => ['onAdminAfterDelete', 0],
            // Flex pages
            'onFlexObjectBeforeSave' => ['onFlexObjectBeforeSave', 0],
            'onFlexObjectAfterSave' => ['onFlexObjectAfterSave', 0],
            'onFlexObjectAfterDelete' => ['onFlexObjectAfterDelete', 0],
            // Grav 2.0's API
            'onApiPageCreated' => ['onApiPageChanged', 0],
            'onApiPageUpdated' => ['onApiPageChanged', 0],
            'onApiPageTranslated' => ['onApiPageChanged', 0],
            'onApiPageMoved' => ['onApiPageChanged', 0],
            'onApiPageLanguageAdopted' => ['onApiPageChanged', 0],
            'onApiPageSynced' => ['onApiPageChanged', 0],
            'onApiPageDeleted' => ['onApiPageDeleted', 0],
            'onApiPagesReordered' => ['onApiPagesReordered', 0],
            'onApiPagesReorganized' => ['onApiPagesReorganized', 0],
            // the admin task, the scheduler, the site
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
        foreach (['Signature', 'RouteCollector', 'Payload', 'Result', 'Client', 'State', 'Card', 'Embed', 'FileCache'] as $class) {
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
        return self::clientFor($this->config(), $timeout);
    }

    /** @param array<string, mixed> $config */
    private static function clientFor(array $config, ?float $timeout = null): Client
    {
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

    // -- saves, deletions, moves, reorders and translations ------------------------------------------------

    /**
     * Before a save: the page as it was. A move also clears its old address; a new folder name (a move,
     * a new order prefix) renames its siblings too, so their parent is looked at again.
     */
    public function onAdminSave(Event $event): void
    {
        $this->original($event['object'] ?? $event['page'] ?? null);
    }

    public function onAdminAfterSave(Event $event): void
    {
        $this->collect($event['page'] ?? $event['object'] ?? null);
    }

    public function onAdminAfterDelete(Event $event): void
    {
        $this->collect($event['page'] ?? $event['object'] ?? null, true);
    }

    public function onFlexObjectBeforeSave(Event $event): void
    {
        $this->original($event['object'] ?? null);
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
                $this->add($event[$key], $lang);
            }
        }
        $this->collect($event['page'] ?? null);
    }

    public function onApiPageDeleted(Event $event): void
    {
        $lang = is_string($event['lang'] ?? null) ? $event['lang'] : null;
        if (is_string($event['route'] ?? null)) {
            $this->add($event['route'], $lang, true);
        }
        $this->collect($event['page'] ?? null, true);
    }

    /** Children reordered: their folders' order prefixes changed, their routes did not. */
    public function onApiPagesReordered(Event $event): void
    {
        $this->parentOf($event['parent'] ?? null);
    }

    /** Several pages moved or reordered at once: each page, its old parent and its new. */
    public function onApiPagesReorganized(Event $event): void
    {
        foreach ((array) ($event['operations'] ?? []) as $op) {
            if (!is_array($op)) {
                continue;
            }
            $this->add(is_string($op['route'] ?? null) ? $op['route'] : null);
            foreach (['currentParentRoute', 'newParentRoute'] as $key) {
                $parent = is_string($op[$key] ?? null) ? $op[$key] : null;
                if ($parent === null) {
                    continue;
                }
                $this->add($parent, null, false, true);  // here '/' is the pages folder itself
            }
        }
    }

    private function collect(mixed $page, bool $deleted = false): void
    {
        if (!self::isPage($page)) {
            return; // a user, the configuration, a file: not a page
        }
        $lang = method_exists($page, 'language') ? $page->language() : null;
        $this->add((string) $page->route(), is_string($lang) ? $lang : null, $deleted);
    }

    private function original(mixed $page): void
    {
        if (!self::isPage($page) || !method_exists($page, 'getOriginal')) {
            return;
        }
        $original = $page->getOriginal();
        if (!self::isPage($original) || $original === $page) {
            return;
        }
        $this->collect($original);
        $before = method_exists($original, 'path') ? $original->path() : null;
        $after = method_exists($page, 'path') ? $page->path() : null;
        if (is_string($before) && is_string($after) && $before !== $after) {
            $this->parentOf(method_exists($original, 'parent') ? $original->parent() : null);
            $this->parentOf(method_exists($page, 'parent') ? $page->parent() : null);
        }
    }

    /** A parent page's route (its children's folders change); the pages folder itself: every page. */
    private function parentOf(mixed $parent): void
    {
        if (!is_object($parent) || !method_exists($parent, 'route')) {
            return;
        }
        $root = method_exists($parent, 'root') && $parent->root();
        $this->add($root ? '/' : (string) $parent->route(), null, false, true);
    }

    private static function isPage(mixed $page): bool
    {
        return is_object($page) && method_exists($page, 'route')
            && (method_exists($page, 'isPage') || method_exists($page, 'isDir'));
    }

    /**
     * Collect a route; with the first change, a PHP shutdown function (the road when Grav exits without
     * onShutdown). A parent route of '/' is the pages folder itself (Poisk reads "/" as the home page):
     * every page is looked at.
     */
    private function add(?string $route, ?string $lang = null, bool $deleted = false, bool $parent = false): void
    {
        if ($parent && $route !== null && trim($route, '/') === '') {
            $this->changes->addEverything();
        } else {
            $this->changes->add($route, $lang, $deleted);
        }
        if (!$this->atExit && !$this->changes->isEmpty()) {
            $this->atExit = true;
            register_shutdown_function([$this, 'onPhpShutdown']);
        }
    }

    /** Queue behind every other shutdown function, Grav's own (which fires onShutdown) among them. */
    public function onPhpShutdown(): void
    {
        register_shutdown_function([$this, 'flushAtExit']);
    }

    /** Whatever onShutdown did not send: Grav ended the request with exit() (the redirect after a save). */
    public function flushAtExit(): void
    {
        $this->atExit = false;
        if ($this->changes->isEmpty()) {
            return;
        }
        if (function_exists('ignore_user_abort')) {
            @ignore_user_abort(true);
        }
        // The redirect is written: let the editor have it before Poisk is called.
        if (function_exists('fastcgi_finish_request')) {
            @fastcgi_finish_request();
        } elseif (function_exists('litespeed_finish_request')) {
            @litespeed_finish_request();
        } else {
            @flush();
        }
        $this->onShutdown();
    }

    /** After Grav has answered: one signed call for every change of this request. */
    public function onShutdown(): void
    {
        if ($this->changes->isEmpty()) {
            return;
        }
        $config = $this->config();
        if (!($config['enabled'] ?? true) || (string) ($config['secret'] ?? '') === '') {
            $this->changes->clear();  // no secret: Poisk's webhook is not in use (it may watch the folder)
            return;
        }
        $what = $this->changes->everything() ? 'every page' : implode(', ', $this->changes->routes());
        $result = $this->client()->send($this->changes);
        $this->changes->clear();
        if (!$result->ok()) {
            $this->log('warning', "Poisk was not told about {$what}: " . $result->describe());
        }
    }

    // -- the admin panel: index state and "Reindex now" ---------------------------------------------------

    public function card(): Card
    {
        $config = $this->config();

        return new Card($this->client(min(2.0, (float) ($config['timeout'] ?? 2.0))), (string) ($config['public_url'] ?? ''));
    }

    public function onAdminTwigTemplatePaths(Event $event): void
    {
        $paths = $event['paths'];
        $paths[] = __DIR__ . '/admin/templates';
        $event['paths'] = $paths;
    }

    /**
     * The dashboard card: Poisk's index state and the "Reindex now" button. Grav fires this on every admin
     * page; /healthz is asked only when the card is drawn. Shown until turned off in the admin's
     * Configuration → Dashboard widgets (the admin shows a plugin's widget only when that list says so).
     */
    public function onAdminDashboard(): void
    {
        $twig = $this->grav['twig'];
        $twig->plugins_hooked_dashboard_widgets_top[] = ['name' => $this->translate('PLUGIN_POISK.CARD_TITLE'), 'template' => self::CARD];
        $config = $this->grav['config'] ?? null;
        if (is_object($config) && method_exists($config, 'get') && $config->get('plugins.admin.widgets_display.' . self::CARD) === null) {
            $config->set('plugins.admin.widgets_display.' . self::CARD, true);
        }
        $twig->twig_vars['poisk_card'] = $this->card();
        $twig->twig_vars['poisk_secret_set'] = (string) ($this->config()['secret'] ?? '') !== '';
    }

    /** The "Reindex now" button: an admin task, checked with Grav's nonce and the editor's permissions. */
    public function onAdminTaskExecute(Event $event): bool
    {
        if (($event['method'] ?? '') !== 'taskPoiskReindex') {
            return false;
        }
        $controller = $event['controller'] ?? null;
        if (is_object($controller) && method_exists($controller, 'setRedirect')) {
            $controller->setRedirect('/');  // back to the dashboard, where the button is
        }
        $nonce = (string) ($_POST['admin-nonce'] ?? $_GET['admin-nonce'] ?? '');
        if (!Utils::verifyNonce($nonce, 'admin-form')) {
            $this->notice('PLUGIN_POISK.NONCE_INVALID', 'error');
            return true;
        }
        $admin = $this->grav['admin'] ?? null;
        if (is_object($admin) && method_exists($admin, 'authorize') && !$admin->authorize(self::REINDEX_PERMISSIONS)) {
            $this->notice('PLUGIN_POISK.NOT_ALLOWED', 'error');
            return true;
        }
        $result = $this->client()->reindexAll('reindex-now');
        $this->notice($result->ok() ? 'PLUGIN_POISK.REINDEX_STARTED' : 'PLUGIN_POISK.REINDEX_FAILED', $result->ok() ? 'info' : 'error');
        if (!$result->ok()) {
            $this->log('warning', 'Poisk reindex failed: ' . $result->describe());
        }

        return true;
    }

    /**
     * A nightly reconciliation: Poisk looks at every page, in case a change was missed. The job names a
     * static method (as Grav's own jobs do): Grav 2.0's job queue serializes jobs, and a plugin cannot be.
     */
    public function onSchedulerInitialized(Event $event): void
    {
        $config = $this->config();
        if (!($config['nightly'] ?? true) || (string) ($config['secret'] ?? '') === '') {
            return;
        }
        $scheduler = $event['scheduler'];
        $job = $scheduler->addFunction(self::class . '::nightly', [], 'poisk-reconcile');
        $job->at((string) ($config['nightly_at'] ?? '30 3 * * *'));
        if (method_exists($job, 'backlink')) {
            $job->backlink('/plugins/poisk');
        }
    }

    public static function nightly(): bool
    {
        self::autoload();
        $grav = Grav::instance();
        $config = (array) $grav['config']->get('plugins.poisk', []);
        $result = self::clientFor($config, 10.0)->reindexAll('nightly');
        if (!$result->ok() && is_object($grav['log'] ?? null)) {
            $grav['log']->warning('[poisk] Poisk nightly reconciliation failed: ' . $result->describe());
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
        $twig = $this->grav['twig'];
        $twig->twig_vars['poisk'] = [
            'lang' => $this->language(),
            'src' => $embed['src'] ?? null,
            'integrity' => $embed['integrity'] ?? null,
            'placeholder' => ($this->config()['placeholder'] ?? '') ?: null,
        ];
        if (isset($embed['src'])) {
            // Outside Grav's JS pipeline: a pipeline would copy the script into a local file, dropping its
            // integrity hash, and the widget finds Poisk from its own script's address.
            $this->grav['assets']->addJs($embed['src'], [
                'loading' => 'defer',
                'integrity' => $embed['integrity'] ?? null,
                'crossorigin' => isset($embed['integrity']) ? 'anonymous' : null,
                'pipeline' => false,
                'timestamp' => false,
            ]);
        }
        if ($this->config()['inject'] ?? false) {
            // The theme's search box (Grav's SimpleSearch partial, which most themes include) becomes Poisk's.
            $twig->prependPath(__DIR__ . '/inject');
        }
    }

    /**
     * With "inject" on, HTML pages that still have no box get one: at the marker, else in place of a
     * search form, else at the start of <main>. RSS, JSON and the like are left alone.
     */
    public function onOutputGenerated(): void
    {
        $config = $this->config();
        if ($this->isAdmin() || !($config['inject'] ?? false) || !$this->wanted()) {
            return;
        }
        $page = $this->grav['page'] ?? null;
        $format = is_object($page) && method_exists($page, 'templateFormat') ? $page->templateFormat() : 'html';
        $output = (string) $this->grav->output;
        if ($format !== 'html' || str_contains($output, '<poisk-search')) {
            return;
        }
        $twig = $this->grav['twig'];
        $box = $twig->processTemplate('partials/poisk.html.twig', ['poisk' => $twig->twig_vars['poisk'] ?? ['lang' => $this->language()]]);
        $this->grav->output = self::inject($output, $box, (string) ($config['inject_marker'] ?? '<!-- poisk -->'));
    }

    /** Put the box at the marker, else in place of a search form (id, class, name or role "search"), else after <main>. */
    public static function inject(string $html, string $box, string $marker = '<!-- poisk -->'): string
    {
        $box = trim((string) preg_replace('/\{#.*?#\}/s', '', $box));
        if ($marker !== '' && str_contains($html, $marker)) {
            return str_replace($marker, $box, $html);
        }
        $form = '#<form\b[^>]*\b(?:id|class|name|role)\s*=\s*["\'][^"\']*\bsearch\b[^"\']*["\'][^>]*>.*?</form>#si';
        if (preg_match($form, $html)) {
            return (string) preg_replace_callback($form, static fn () => $box, $html, 1);
        }
        if (preg_match('#<main\b[^>]*>#i', $html)) {
            return (string) preg_replace_callback('#<main\b[^>]*>#i', static fn ($m) => $m[0] . $box, $html, 1);
        }

        return $html;
    }

    /** Whether the current page gets the box: the widget on, its language and route among those chosen. */
    private function wanted(): bool
    {
        $config = $this->config();
        if (!($config['enabled'] ?? true) || !($config['widget'] ?? true)) {
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

        return is_string($default) && $default !== '' ? $default : (string) (($this->config()['default_lang'] ?? '') ?: 'kk');
    }

    /**
     * The widget script's address and hash from Poisk, kept an hour (a minute after a failure) in Grav's
     * cache, or in a file of Grav's cache folder when Grav's cache is off: a page view does not call Poisk.
     *
     * @return array{src?: string, integrity?: string}
     */
    public function embed(): array
    {
        $config = $this->config();
        $base = (string) ($config['url'] ?? '');
        $public = trim((string) ($config['public_url'] ?? ''));
        $key = 'poisk-embed-' . md5($base . '|' . $public);
        $cache = $this->grav['cache'] ?? null;
        $gravCache = is_object($cache) && (!method_exists($cache, 'getEnabled') || $cache->getEnabled()) ? $cache : null;
        $files = $gravCache === null ? $this->fileCache() : null;

        if ($gravCache !== null && is_array($kept = $gravCache->fetch($key))) {
            return $kept;
        }
        if ($files !== null && ($kept = $files->get($key)) !== null) {
            return $kept;
        }
        $client = $this->client(1.0);
        $result = $client->embed();
        $embed = Embed::resolve($result, $client->base(), $public);
        if ($embed === []) {
            $this->log('warning', 'Poisk widget unavailable: ' . $result->describe());
        }
        $ttl = $embed === [] ? self::EMBED_RETRY : self::EMBED_TTL;
        $gravCache?->save($key, $embed, $ttl);
        $files?->put($key, $embed, $ttl);

        return $embed;
    }

    private function fileCache(): ?FileCache
    {
        $locator = $this->grav['locator'] ?? null;
        $dir = is_object($locator) ? $locator->findResource('cache://', true, true) : null;

        return is_string($dir) && $dir !== '' ? new FileCache($dir . '/poisk') : null;
    }

    private function log(string $level, string $message): void
    {
        $log = $this->grav['log'] ?? null;
        if (is_object($log) && is_callable([$log, $level])) {
            $log->{$level}('[poisk] ' . $message);
        }
    }

    private function translate(string $key): string
    {
        $language = $this->grav['language'] ?? null;

        return (string) (is_object($language) && method_exists($language, 'translate') ? $language->translate([$key]) : $key);
    }

    private function notice(string $key, string $type): void
    {
        $messages = $this->grav['messages'] ?? null;
        if (is_object($messages) && method_exists($messages, 'add')) {
            $messages->add($this->translate($key), $type);
        }
    }
}
