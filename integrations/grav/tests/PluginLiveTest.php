<?php

declare(strict_types=1);

namespace Poisk\Tests;

use Grav\Common\Utils;
use Poisk\Tests\Stubs\Admin;
use Poisk\Tests\Stubs\Controller;
use Poisk\Tests\Stubs\Page;
use Poisk\Tests\Stubs\Scheduler;
use Poisk\Tests\Stubs\User;
use RocketTheme\Toolbox\Event\Event;

/** The plugin talking to a real `poisk serve` on loopback: saves, deletions, failures, the widget, the card. */
final class PluginLiveTest extends PluginCase
{
    private static PoiskServer $poisk;

    public static function setUpBeforeClass(): void
    {
        self::$poisk = new PoiskServer();
    }

    public static function tearDownAfterClass(): void
    {
        self::$poisk->stop();
    }

    private function live(array $config = []): \Grav\Plugin\PoiskPlugin
    {
        return $this->plugin(array_merge(['url' => self::$poisk->base, 'secret' => PoiskServer::SECRET], $config));
    }

    private function append(string $file, string $text): void
    {
        file_put_contents(self::$poisk->site . '/user/pages/' . $file, "\n{$text}\n", FILE_APPEND);
    }

    public function testASavedPagesNewWordsAreSearchableWithinTwoSeconds(): void
    {
        $plugin = $this->live();
        $this->assertSame(0, self::$poisk->total('барабулька'));
        $this->append('03.about/default.ru.md', 'Новое слово барабулька.');
        $page = new Page('/about', 'ru');
        $plugin->onAdminAfterSave(new Event(['object' => $page, 'page' => $page]));
        $plugin->onFlexObjectAfterSave(new Event(['type' => 'flex', 'object' => $page]));  // the same save, twice told
        $this->assertSame(['/about'], $plugin->changes()->routes());
        $started = microtime(true);
        $plugin->onShutdown();
        $this->assertLessThan(1.0, microtime(true) - $started, 'the call itself is quick');
        $took = self::$poisk->waitFor(fn () => self::$poisk->total('барабульки') === 1, 5) + (microtime(true) - $started);
        $this->assertLessThan(2.0, $took);
        $this->assertSame([], $this->log->lines);
    }

    public function testADeletedPageDisappears(): void
    {
        $plugin = $this->live();
        $folder = '02.news/19.2020-10-01-flu-season-2020';
        $this->append("{$folder}/item.ru.md", 'Редкое слово квокка.');
        $page = new Page('/news/2020-10-01-flu-season-2020', 'ru');
        $plugin->onAdminAfterSave(new Event(['page' => $page]));
        $plugin->onShutdown();
        self::$poisk->waitFor(fn () => self::$poisk->total('квокка') === 1, 5);
        exec('rm -rf ' . escapeshellarg(self::$poisk->site . '/user/pages/' . $folder));
        $plugin->onAdminAfterDelete(new Event(['object' => $page]));
        $this->assertSame('page.deleted', $plugin->changes()->event());
        $plugin->onShutdown();
        $took = self::$poisk->waitFor(fn () => self::$poisk->total('квокка') === 0, 5);
        $this->assertLessThan(2.0, $took);
    }

    public function testAGrav2MoveNamesTheOldAndTheNewRoute(): void
    {
        $plugin = $this->live();
        $this->append('04.contacts/default.ru.md', 'Переехали к выдре.');
        $plugin->onApiPageChanged(new Event(['page' => new Page('/contacts', 'ru'), 'old_route' => '/old-contacts', 'new_route' => '/contacts']));
        $this->assertSame(['/old-contacts', '/contacts'], $plugin->changes()->routes());
        $plugin->onShutdown();
        self::$poisk->waitFor(fn () => self::$poisk->total('выдре') === 1, 5);
        $this->assertSame([], $this->log->lines);
    }

    public function testSomethingThatIsNotAPageIsNotSent(): void
    {
        $plugin = $this->live();
        $plugin->onAdminAfterSave(new Event(['object' => new User()]));
        $this->assertTrue($plugin->changes()->isEmpty());
    }

    public function testAWrongSecretIsLoggedAndTheSaveSucceeds(): void
    {
        $plugin = $this->live(['secret' => 'not-the-secret']);
        $plugin->onAdminAfterSave(new Event(['page' => new Page('/about', 'ru')]));
        $plugin->onShutdown();  // returns normally: nothing is thrown at the editor
        $this->assertCount(1, $this->log->lines);
        [$level, $line] = $this->log->lines[0];
        $this->assertSame('warning', $level);
        $this->assertStringContainsString('/about', $line);
        $this->assertStringContainsString('HTTP 403', $line);
    }

    public function testWithPoiskStoppedTheSaveStillReturnsWithinTwoAndAHalfSeconds(): void
    {
        // Nothing listening: refused at once.
        $plugin = $this->plugin(['url' => 'http://127.0.0.1:' . PoiskServer::freePort(), 'secret' => 'x']);
        $plugin->onAdminAfterSave(new Event(['page' => new Page('/about', 'ru')]));
        $started = microtime(true);
        $plugin->onShutdown();
        $this->assertLessThan(2.5, microtime(true) - $started);
        $this->assertSame('warning', $this->log->lines[0][0]);

        // A Poisk that accepts the connection and never answers (hung): the 2 s timeout ends it.
        $hung = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($hung, false), ':'), 1);
        $plugin = $this->plugin(['url' => "http://127.0.0.1:{$port}", 'secret' => 'x']);
        $plugin->onAdminAfterSave(new Event(['page' => new Page('/about', 'ru')]));
        $started = microtime(true);
        $plugin->onShutdown();
        $elapsed = microtime(true) - $started;
        fclose($hung);
        $this->assertLessThan(2.5, $elapsed);
        $this->assertGreaterThan(1.5, $elapsed);
        $this->assertStringContainsString('/about', $this->log->lines[0][1]);
    }

    public function testTheWidgetScriptIsAddedWithItsIntegrityHash(): void
    {
        $plugin = $this->live();
        $plugin->onTwigSiteVariables();
        $embed = json_decode((string) file_get_contents(self::$poisk->base . '/embed?format=json'), true);
        $this->assertSame([[$embed['src'], ['loading' => 'defer', 'integrity' => $embed['integrity'], 'crossorigin' => 'anonymous', 'pipeline' => false, 'timestamp' => false]]], $this->grav['assets']->js);
        $this->assertMatchesRegularExpression('/^sha384-/', $embed['integrity']);
        $html = $this->grav['twig']->processTemplate('partials/poisk.html.twig');
        $this->assertSame('<poisk-search lang="ru"></poisk-search>', trim(preg_replace('/\{#.*?#\}/s', '', $html)));
    }

    public function testWithPoiskDownThePageStillRendersWithoutTheScript(): void
    {
        $plugin = $this->plugin(['url' => 'http://127.0.0.1:' . PoiskServer::freePort()]);
        $plugin->onTwigSiteVariables();
        $this->assertSame([], $this->grav['assets']->js);
        $plugin->onTwigSiteVariables();  // the failure is remembered a minute: no second call per page view
        $this->assertCount(1, $this->log->lines);
    }

    public function testTheCardShowsTheIndexAndReindexNowNeedsTheNonce(): void
    {
        $plugin = $this->live();
        $this->grav['admin'] = new Admin(['admin.pages']);
        $state = $plugin->card()->state();
        $this->assertTrue($state->reachable);
        $this->assertGreaterThan(100, $state->pages);
        $this->assertNotNull($state->updated);

        $_POST['admin-nonce'] = 'forged';
        $this->assertTrue($plugin->onAdminTaskExecute(new Event(['method' => 'taskPoiskReindex'])));
        $this->assertSame([['error', 'PLUGIN_POISK.NONCE_INVALID']], $this->grav['messages']->added);

        Utils::$nonces = ['good-nonce'];
        $_POST['admin-nonce'] = 'good-nonce';
        $this->grav['messages']->added = [];
        $this->assertTrue($plugin->onAdminTaskExecute(new Event(['method' => 'taskPoiskReindex'])));
        $this->assertSame([['info', 'PLUGIN_POISK.REINDEX_STARTED']], $this->grav['messages']->added);

        $this->grav['admin'] = new Admin(['admin.login']);  // an editor who may log in, not reindex
        $this->grav['messages']->added = [];
        $controller = new Controller();
        $this->assertTrue($plugin->onAdminTaskExecute(new Event(['method' => 'taskPoiskReindex', 'controller' => $controller])));
        $this->assertSame([['error', 'PLUGIN_POISK.NOT_ALLOWED']], $this->grav['messages']->added);
        $this->assertSame('/', $controller->redirect, 'back to the dashboard, where the button is');
        $this->assertFalse($plugin->onAdminTaskExecute(new Event(['method' => 'taskSomethingElse'])));
        unset($_POST['admin-nonce']);
    }

    public function testTheSchedulerGetsANightlyReconciliation(): void
    {
        $plugin = $this->live();
        $scheduler = new Scheduler();
        $plugin->onSchedulerInitialized(new Event(['scheduler' => $scheduler]));
        $this->assertCount(1, $scheduler->jobs);
        $this->assertSame('poisk-reconcile', $scheduler->jobs[0]->id);
        $this->assertSame('30 3 * * *', $scheduler->jobs[0]->at);
        $this->assertIsString($scheduler->jobs[0]->fn, "Grav 2.0 serializes jobs: a static method's name, not the plugin");
        $this->assertSame(serialize($scheduler->jobs[0]->fn), serialize(unserialize(serialize($scheduler->jobs[0]->fn))));
        $this->assertTrue(call_user_func($scheduler->jobs[0]->fn));
        $this->assertSame([], $this->log->lines);

        $unsigned = $this->live(['secret' => '']);
        $scheduler = new Scheduler();
        $unsigned->onSchedulerInitialized(new Event(['scheduler' => $scheduler]));
        $this->assertSame([], $scheduler->jobs, 'no secret: Poisk would refuse the call');
    }

    public function testAnAdminSaveEndingInARedirectAndExitStillReachesPoisk(): void
    {
        $this->append('03.about/default.ru.md', 'Ещё одно слово: ламантин.');
        $this->assertSame(0, self::$poisk->total('ламантин'));
        $started = microtime(true);
        $command = [PHP_BINARY, __DIR__ . '/exit_after_save.php', self::$poisk->base, PoiskServer::SECRET, '/about', 'ru'];
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $code = proc_close($process);
        $this->assertSame(0, $code, $err);
        $this->assertSame("redirected\n", $out);
        $this->assertSame('', $err, 'nothing logged: the call succeeded');
        $took = self::$poisk->waitFor(fn () => self::$poisk->total('ламантина') === 1, 5) + (microtime(true) - $started);
        $this->assertLessThan(3.0, $took);
    }

    public function testReorderingChildrenLooksAgainAtTheirParentsFolder(): void
    {
        $plugin = $this->live();
        $news = self::$poisk->site . '/user/pages/02.news';
        $old = glob($news . '/*.2020-10-01-flu-season-2020')[0] ?? null;
        if ($old === null) {  // deleted by the deletion test
            $old = glob($news . '/[0-9]*.*', GLOB_ONLYDIR)[0];
        }
        $new = $news . '/99.' . preg_replace('/^\d+\./', '', basename($old));
        rename($old, $new);  // a new order prefix: the route stays, the folder does not
        file_put_contents(glob($new . '/*.ru.md')[0], "\nПереставлено: окапи.\n", FILE_APPEND);
        $plugin->onApiPagesReordered(new Event(['parent' => new Page('/news', 'ru')]));
        $this->assertSame(['/news'], $plugin->changes()->routes());
        $plugin->onShutdown();
        self::$poisk->waitFor(fn () => self::$poisk->total('окапи') === 1, 5);
        $hit = self::$poisk->search('окапи')['results'][0] ?? [];
        $this->assertStringContainsString('99.', (string) ($hit['path'] ?? json_encode($hit)));
        $this->assertSame([], $this->log->lines);
    }
}
