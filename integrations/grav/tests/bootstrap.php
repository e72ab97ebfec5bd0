<?php

declare(strict_types=1);

require_once '/usr/share/php/Twig/autoload.php';
require_once __DIR__ . '/Stubs/Grav.php';
require_once __DIR__ . '/../poisk.php';
require_once __DIR__ . '/PoiskServer.php';
require_once __DIR__ . '/PluginCase.php';

\Grav\Plugin\PoiskPlugin::autoload();
