<?php

declare(strict_types=1);

namespace Poisk\Tests;

use Grav\Plugin\Poisk\Payload;
use Grav\Plugin\Poisk\Result;
use Grav\Plugin\Poisk\RouteCollector;
use Grav\Plugin\Poisk\Signature;
use Grav\Plugin\Poisk\State;
use Grav\Plugin\PoiskPlugin;
use PHPUnit\Framework\TestCase;

/** The plugin's Grav-free parts: signatures, payloads, route collection, /healthz, putting the box in a page. */
final class GravFreeTest extends TestCase
{
    public function testTheSignatureIsTheHexHmacPythonComputes(): void
    {
        // hmac.new(b"s3cr3t-for-grav", b'{"event":"page.updated"}', hashlib.sha256).hexdigest()
        $expected = '427ca43905462e95d47ab3e420021cfc29d5031b67f7b839bfed3be360b04305';
        $this->assertSame($expected, Signature::grav('s3cr3t-for-grav', '{"event":"page.updated"}'));
        $this->assertSame("sha256={$expected}", Signature::hub('s3cr3t-for-grav', '{"event":"page.updated"}'));
    }

    public function testRoutesAreCollectedOnceEach(): void
    {
        $changes = new RouteCollector();
        $changes->add('/news/a', 'ru');
        $changes->add('news/a', 'ru');
        $changes->add('/news/b', 'ru', true);
        $changes->add('', 'ru');
        $changes->add("/bad\0route");
        $this->assertSame(['/news/a', '/news/b'], $changes->routes());
        $this->assertSame('page.updated', $changes->event());
        $this->assertSame('ru', $changes->lang());
        $deleted = new RouteCollector();
        $deleted->add('/x', 'kk', true);
        $deleted->add('/y', 'ru', true);
        $this->assertSame('page.deleted', $deleted->event());
        $this->assertNull($deleted->lang());
    }

    public function testThePayloadHasGrav2sWebhookShape(): void
    {
        $body = json_decode(Payload::pages('page.updated', ['/news/a'], 'ru', 0), true);
        $this->assertSame('page.updated', $body['event']);
        $this->assertSame('1970-01-01T00:00:00+00:00', $body['timestamp']);
        $this->assertSame(['routes' => ['/news/a'], 'route' => '/news/a', 'lang' => 'ru'], $body['data']);
        $this->assertSame('reindex', json_decode(Payload::everything('nightly'), true)['event']);
    }

    public function testHealthIsReadForTheCard(): void
    {
        $ok = State::fromHealth(new Result(200, '{"status":"ok","documents":160,"updated_at":"2026-12-06T10:45:07+00:00","indexer":{"state":"idle"}}'));
        $this->assertTrue($ok->reachable);
        $this->assertSame(160, $ok->pages);
        $this->assertSame('2026-12-06T10:45:07+00:00', $ok->updated);
        $this->assertSame([], $ok->errors);
        $failing = State::fromHealth(new Result(503, '{"status":"degraded","documents":3,"reason":"no space left on device"}'));
        $this->assertSame('degraded', $failing->status);
        $this->assertSame(['no space left on device'], $failing->errors);
        $down = State::fromHealth(new Result(0, '', 'Failed to connect to 127.0.0.1 port 9'));
        $this->assertFalse($down->reachable);
        $this->assertSame(['Failed to connect to 127.0.0.1 port 9'], $down->errors);
    }

    public function testTheBoxGoesAtTheMarkerElseInPlaceOfTheThemesSearchFormElseAfterMain(): void
    {
        $box = '<poisk-search lang="ru"></poisk-search>';
        $this->assertSame("<div>{$box}</div>", PoiskPlugin::inject('<div><!-- poisk --></div>', $box));
        $themed = '<header><form id="search-form" class="search"><input name="query"></form></header>';
        $this->assertSame("<header>{$box}</header>", PoiskPlugin::inject($themed, $box));
        $this->assertSame("<main class=\"x\">{$box}<p>text</p></main>", PoiskPlugin::inject('<main class="x"><p>text</p></main>', $box));
        $this->assertSame('<p>nothing</p>', PoiskPlugin::inject('<p>nothing</p>', $box));
    }
}
