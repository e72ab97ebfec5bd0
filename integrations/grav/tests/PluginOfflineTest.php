<?php

declare(strict_types=1);

namespace Poisk\Tests;

use Grav\Plugin\Poisk\Embed;
use Grav\Plugin\Poisk\FileCache;
use Grav\Plugin\Poisk\Result;
use Grav\Plugin\PoiskPlugin;
use Poisk\Tests\Stubs\Page;
use RocketTheme\Toolbox\Event\Event;

/** What the plugin decides without asking Poisk: moves and reorders, where the box goes, the widget's address. */
final class PluginOfflineTest extends PluginCase
{
    public function testAMoveAlsoLooksAtTheOldAndTheNewParentsFolders(): void
    {
        $plugin = $this->plugin();
        $before = new Page('/news/flu', 'ru', null, '/site/user/pages/02.news/03.flu', new Page('/news'));
        $after = new Page('/archive/flu', 'ru', $before, '/site/user/pages/05.archive/01.flu', new Page('/archive'));
        $plugin->onAdminSave(new Event(['object' => $after]));
        $plugin->onAdminAfterSave(new Event(['object' => $after]));
        $this->assertSame(['/news/flu', '/news', '/archive', '/archive/flu'], $plugin->changes()->routes());
        $this->assertFalse($plugin->changes()->everything());
    }

    public function testAnEditThatKeepsTheFolderNamesOnlyThePage(): void
    {
        $plugin = $this->plugin();
        $before = new Page('/news/flu', 'ru', null, '/p/02.news/03.flu', new Page('/news'));
        $after = new Page('/news/flu', 'ru', $before, '/p/02.news/03.flu', new Page('/news'));
        $plugin->onFlexObjectBeforeSave(new Event(['object' => $after]));
        $plugin->onFlexObjectAfterSave(new Event(['object' => $after]));
        $this->assertSame(['/news/flu'], $plugin->changes()->routes());
    }

    public function testReorderingTopLevelPagesAsksForEveryPage(): void
    {
        $plugin = $this->plugin();
        $plugin->onApiPagesReordered(new Event(['parent' => new Page('/', null, null, null, null, true)]));
        $this->assertTrue($plugin->changes()->everything());
        $this->assertFalse($plugin->changes()->isEmpty());

        $plugin = $this->plugin();
        $plugin->onApiPagesReorganized(new Event(['operations' => [
            ['route' => '/news/flu', 'currentParentRoute' => '/news', 'newParentRoute' => '/archive'],
            'not an operation',
        ]]));
        $this->assertSame(['/news/flu', '/news', '/archive'], $plugin->changes()->routes());
        $this->assertFalse($plugin->changes()->everything());
        $plugin->onApiPagesReorganized(new Event(['operations' => [['route' => '/contacts', 'newParentRoute' => '/']]]));
        $this->assertTrue($plugin->changes()->everything(), "'/' here is the pages folder itself");
    }

    public function testWithoutASecretNothingIsSentAndNothingLogged(): void
    {
        $plugin = $this->plugin(['url' => 'http://127.0.0.1:' . PoiskServer::freePort(), 'secret' => '']);
        $plugin->onAdminAfterSave(new Event(['page' => new Page('/about', 'ru')]));
        $plugin->onShutdown();
        $this->assertTrue($plugin->changes()->isEmpty());
        $this->assertSame([], $this->log->lines);
    }

    public function testAFailedCallIsLoggedOnceAndTheSaveIsNotHeldUp(): void
    {
        $plugin = $this->plugin(['url' => 'http://127.0.0.1:' . PoiskServer::freePort(), 'secret' => 's']);
        $plugin->onAdminAfterSave(new Event(['page' => new Page('/about', 'ru')]));
        $plugin->onShutdown();
        $plugin->flushAtExit();  // the exit road finds nothing left to send
        $this->assertCount(1, $this->log->lines);
        $this->assertStringContainsString('/about', $this->log->lines[0][1]);
    }

    public function testTheBoxReplacesSimpleSearchsFormAndLeavesFeedsAlone(): void
    {
        $box = '<poisk-search lang="ru"></poisk-search>';
        $simple = '<div class="x"><form name="search" data-simplesearch-form><input name="searchfield"></form></div>';
        $this->assertSame("<div class=\"x\">{$box}</div>", PoiskPlugin::inject($simple, $box));
        $this->assertSame("<nav>{$box}</nav>", PoiskPlugin::inject("<nav><form role='search' action='/s'><input></form></nav>", $box));
        $this->assertSame("<main>{$box}</main>", PoiskPlugin::inject('<main></main>', $box . '{# a comment #}'));
        $dollars = '<poisk-search placeholder="$1 \\1"></poisk-search>';
        $this->assertSame("<main>{$dollars}</main>", PoiskPlugin::inject('<main></main>', $dollars), 'no backreferences');

        $plugin = $this->plugin(['inject' => true]);
        $plugin->onTwigSiteVariables();
        $this->grav['page'] = new FormatPage('rss');
        $this->grav->output = '<rss><channel><main></main></channel></rss>';
        $plugin->onOutputGenerated();
        $this->assertSame('<rss><channel><main></main></channel></rss>', $this->grav->output);

        $this->grav['page'] = new FormatPage('html');
        $this->grav->output = '<main><poisk-search lang="ru"></poisk-search></main>';
        $plugin->onOutputGenerated();
        $this->assertSame(1, substr_count($this->grav->output, '<poisk-search'), 'a theme that has the box keeps one');

        $this->grav->output = '<main><p>x</p></main>';
        $plugin->onOutputGenerated();
        $this->assertStringStartsWith('<main><poisk-search lang="ru"', $this->grav->output);
    }

    public function testWithInjectOnTheThemesSimpleSearchPartialRendersTheBox(): void
    {
        $plugin = $this->plugin(['inject' => true]);
        $plugin->onTwigSiteVariables();
        $html = $this->grav['twig']->processTemplate('partials/simplesearch_searchbox.html.twig');
        $this->assertSame('<poisk-search lang="ru"></poisk-search>', trim((string) preg_replace('/\{#.*?#\}/s', '', $html)));
    }

    public function testTheWidgetsAddressIsThePublicOneAndAnOlderPoiskStillGetsTheScript(): void
    {
        $json = new Result(200, '{"src":"http://127.0.0.1:8000/widget/v1/poisk.js?v=abc","integrity":"sha384-AAAA"}');
        $this->assertSame(
            ['src' => 'https://search.example.kz/widget/v1/poisk.js?v=abc', 'integrity' => 'sha384-AAAA'],
            Embed::resolve($json, 'http://127.0.0.1:8000', 'https://search.example.kz/'),
        );
        $sub = new Result(200, '{"src":"http://10.0.0.5/poisk/widget/v1/poisk.js","integrity":"sha384-AAAA"}');
        $this->assertSame('https://example.kz/search/widget/v1/poisk.js', Embed::resolve($sub, 'http://10.0.0.5/poisk', 'https://example.kz/search')['src']);
        $this->assertSame(['src' => 'http://127.0.0.1:8000/widget/v1/poisk.js'], Embed::resolve(new Result(404, 'not found'), 'http://127.0.0.1:8000/'));
        $this->assertSame([], Embed::resolve(new Result(0, '', 'refused'), 'http://127.0.0.1:8000'));
        $this->assertSame([], Embed::resolve(new Result(200, '{"src":"javascript:alert(1)"}'), 'http://127.0.0.1:8000'));
        $bad = Embed::resolve(new Result(200, '{"src":"http://x/w.js","integrity":"sha384-\" onload=\"x"}'), 'http://x');
        $this->assertSame(['src' => 'http://x/w.js'], $bad, 'a malformed hash is dropped, not put into the page');
    }

    public function testTheDashboardCardIsListedShownByDefaultAndAsksPoiskOnlyWhenDrawn(): void
    {
        $plugin = $this->plugin(['url' => 'http://127.0.0.1:' . PoiskServer::freePort()]);
        $plugin->onAdminDashboard();
        $this->assertSame([['name' => 'PLUGIN_POISK.CARD_TITLE', 'template' => 'dashboard-poisk']], $this->grav['twig']->plugins_hooked_dashboard_widgets_top);
        $this->assertTrue($this->grav['config']->get('plugins.admin.widgets_display.dashboard-poisk'));
        $this->assertSame([], $this->log->lines);
        $this->assertFalse($this->grav['twig']->twig_vars['poisk_card']->state()->reachable);
        $this->assertTrue($this->grav['twig']->twig_vars['poisk_card']->loopbackOnly());

        $this->grav['config']->set('plugins.admin.widgets_display.dashboard-poisk', false);
        $plugin->onAdminDashboard();
        $this->assertFalse($this->grav['config']->get('plugins.admin.widgets_display.dashboard-poisk'), "the editor's choice stays");
    }

    public function testTheFileCacheKeepsValuesUntilTheyExpire(): void
    {
        $dir = sys_get_temp_dir() . '/poisk-cache-' . bin2hex(random_bytes(4));
        $cache = new FileCache($dir);
        $this->assertNull($cache->get('poisk-embed-x'));
        $cache->put('poisk-embed-x', ['src' => 'http://x/w.js'], 60);
        $this->assertSame(['src' => 'http://x/w.js'], (new FileCache($dir))->get('poisk-embed-x'));
        $cache->put('gone', ['a' => 1], -1);
        $this->assertNull($cache->get('gone'));
        $this->assertSame([], glob($dir . '/*.tmp'));
        exec('rm -rf ' . escapeshellarg($dir));
    }
}

/** A page rendered in a given format (html, rss, json). */
final class FormatPage
{
    public function __construct(private string $format)
    {
    }

    public function templateFormat(): string
    {
        return $this->format;
    }
}
