<?php

declare(strict_types=1);

namespace Poisk\Tests;

use PHPUnit\Framework\TestCase;

/** What Grav's plugin repository (GPM) requires of a plugin folder, and `php -l` on every PHP file. */
final class GpmChecklistTest extends TestCase
{
    private const DIR = __DIR__ . '/..';

    public function testTheRequiredFilesAreThere(): void
    {
        foreach (['poisk.php', 'poisk.yaml', 'blueprints.yaml', 'languages.yaml', 'README.md', 'CHANGELOG.md', 'LICENSE'] as $file) {
            $this->assertFileExists(self::DIR . "/{$file}");
        }
        $this->assertStringContainsString('class PoiskPlugin extends Plugin', (string) file_get_contents(self::DIR . '/poisk.php'));
        $this->assertStringContainsString('namespace Grav\Plugin;', (string) file_get_contents(self::DIR . '/poisk.php'));
    }

    public function testTheBlueprintHasWhatGpmAsks(): void
    {
        $blueprint = yaml_parse_file(self::DIR . '/blueprints.yaml');
        foreach (['name', 'slug', 'type', 'version', 'description', 'icon', 'author', 'homepage', 'bugs', 'license', 'dependencies'] as $field) {
            $this->assertNotEmpty($blueprint[$field] ?? null, "blueprints.yaml lacks {$field}");
        }
        $this->assertSame('poisk', $blueprint['slug']);
        $this->assertSame('plugin', $blueprint['type']);
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/', $blueprint['version']);
        $this->assertLessThanOrEqual(200, mb_strlen($blueprint['description']));
        $this->assertNotEmpty($blueprint['author']['name']);
        $this->assertMatchesRegularExpression('#^https://#', $blueprint['homepage']);
        $this->assertMatchesRegularExpression('#^https://#', $blueprint['bugs']);
        $grav = array_values(array_filter($blueprint['dependencies'], fn ($d) => is_array($d) && ($d['name'] ?? '') === 'grav'));
        $this->assertCount(1, $grav);
        $this->assertSame('>=1.7.0', $grav[0]['version']);
        $this->assertSame('strict', $blueprint['form']['validation']);
    }

    public function testEveryOptionHasAFieldAndADefault(): void
    {
        $blueprint = yaml_parse_file(self::DIR . '/blueprints.yaml');
        $defaults = yaml_parse_file(self::DIR . '/poisk.yaml');
        $this->assertSame(array_keys($defaults), array_keys($blueprint['form']['fields']));
    }

    public function testTheLanguagesHaveTheSameStringsAndEveryLabelIsTranslated(): void
    {
        $languages = yaml_parse_file(self::DIR . '/languages.yaml');
        $this->assertSame(['en', 'ru', 'kk'], array_keys($languages));
        $keys = array_keys($languages['en']['PLUGIN_POISK']);
        foreach (['ru', 'kk'] as $lang) {
            $this->assertSame($keys, array_keys($languages[$lang]['PLUGIN_POISK']), $lang);
        }
        $used = [];
        foreach (['blueprints.yaml', 'poisk.php', 'admin/templates/partials/dashboard-poisk.html.twig'] as $file) {
            preg_match_all('/PLUGIN_POISK\.([A-Z_]+)/', (string) file_get_contents(self::DIR . "/{$file}"), $m);
            $used = array_merge($used, $m[1]);
        }
        $this->assertSame([], array_values(array_diff(array_unique($used), $keys)));
    }

    public function testTheChangelogIsInGravsFormatAndNamesThisVersion(): void
    {
        $changelog = (string) file_get_contents(self::DIR . '/CHANGELOG.md');
        $blueprint = yaml_parse_file(self::DIR . '/blueprints.yaml');
        $this->assertMatchesRegularExpression('/^# v(\d+\.\d+\.\d+)\n## \d{2}\/\d{2}\/\d{4}\n\n1\. \[\]\(#(new|improved|bugfix)\)\n/', $changelog);
        preg_match('/^# v(\S+)/', $changelog, $m);
        $this->assertSame($blueprint['version'], $m[1]);
        $this->assertStringContainsString('MIT License', (string) file_get_contents(self::DIR . '/LICENSE'));
    }

    public function testEveryPhpFilePassesPhpLint(): void
    {
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::DIR, \FilesystemIterator::SKIP_DOTS));
        $checked = 0;
        foreach ($files as $file) {
            if ($file->getExtension() !== 'php') {
                continue;
            }
            exec(sprintf('%s -l %s 2>&1', escapeshellarg(PHP_BINARY), escapeshellarg($file->getPathname())), $out, $code);
            $this->assertSame(0, $code, implode("\n", $out));
            $checked++;
        }
        $this->assertGreaterThanOrEqual(10, $checked);
    }
}
