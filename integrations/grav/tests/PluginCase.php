<?php

declare(strict_types=1);

namespace Poisk\Tests;

use Grav\Common\Grav;
use Grav\Plugin\PoiskPlugin;
use PHPUnit\Framework\TestCase;
use Poisk\Tests\Stubs\Assets;
use Poisk\Tests\Stubs\Cache;
use Poisk\Tests\Stubs\Config;
use Poisk\Tests\Stubs\Language;
use Poisk\Tests\Stubs\Log;
use Poisk\Tests\Stubs\Messages;
use Poisk\Tests\Stubs\Twig;

abstract class PluginCase extends TestCase
{
    protected Grav $grav;
    protected Log $log;

    /** @param array<string, mixed> $config */
    protected function plugin(array $config = [], string|false $lang = 'ru'): PoiskPlugin
    {
        $this->grav = Grav::reset();
        $this->log = new Log();
        $this->grav['log'] = $this->log;
        $this->grav['language'] = new Language($lang, 'kk');
        $this->grav['cache'] = new Cache();
        $this->grav['assets'] = new Assets();
        $this->grav['messages'] = new Messages();
        $twig = new Twig();
        $this->grav['twig'] = $twig;
        $defaults = (array) yaml_parse_file(dirname(__DIR__) . '/poisk.yaml');
        $config = array_merge($defaults, $config);
        $this->grav['config'] = new Config(['plugins' => ['poisk' => $config]]);
        $plugin = new PoiskPlugin('poisk', $this->grav, ['plugins.poisk' => $config]);
        $plugin->onTwigTemplatePaths();

        return $plugin;
    }
}
