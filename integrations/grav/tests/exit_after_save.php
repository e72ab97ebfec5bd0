<?php

declare(strict_types=1);

// A Grav 1.7 admin save as it ends in production: onAdminAfterSave, then the redirect, which Grav sends with
// Grav::close() and exit() — onShutdown never fires. Run by PluginLiveTest in its own PHP process:
// php exit_after_save.php POISK_URL SECRET ROUTE LANG

require_once __DIR__ . '/Stubs/Grav.php';
require_once __DIR__ . '/../poisk.php';

use Grav\Common\Grav;
use Grav\Plugin\PoiskPlugin;
use Poisk\Tests\Stubs\Config;
use Poisk\Tests\Stubs\Log;
use Poisk\Tests\Stubs\Page;
use RocketTheme\Toolbox\Event\Event;

PoiskPlugin::autoload();
[, $url, $secret, $route, $lang] = $argv;
$grav = Grav::reset();
$log = new Log();
$grav['log'] = $log;
$config = array_merge((array) yaml_parse_file(dirname(__DIR__) . '/poisk.yaml'), ['url' => $url, 'secret' => $secret]);
$grav['config'] = new Config(['plugins' => ['poisk' => $config]]);
$plugin = new PoiskPlugin('poisk', $grav, ['plugins.poisk' => $config]);

register_shutdown_function(static function () use ($log): void {
    // After every other shutdown function (the plugin queues its own behind Grav's): what was logged.
    register_shutdown_function(static function () use ($log): void {
        foreach ($log->lines as [$level, $line]) {
            fwrite(STDERR, "{$level}: {$line}\n");
        }
    });
});

$page = new Page($route, $lang);
$plugin->onAdminSave(new Event(['object' => $page, 'page' => $page]));
$plugin->onAdminAfterSave(new Event(['object' => $page, 'page' => $page]));
echo "redirected\n";
exit(0);  // Grav::close()
