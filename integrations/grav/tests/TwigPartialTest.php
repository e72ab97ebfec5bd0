<?php

declare(strict_types=1);

namespace Poisk\Tests;

/** The partial renders the box in the visitor's language (rendered by the real Twig). */
final class TwigPartialTest extends PluginCase
{
    private function render(): string
    {
        $html = $this->grav['twig']->processTemplate('partials/poisk.html.twig', ['grav' => $this->grav]);

        return trim((string) preg_replace('/\{#.*?#\}/s', '', $html));
    }

    /** @dataProvider languages */
    public function testTheBoxIsInTheActiveLanguage(string $lang): void
    {
        $this->plugin([], $lang);
        $this->grav['twig']->twig_vars['grav'] = $this->grav;
        $this->assertSame("<poisk-search lang=\"{$lang}\"></poisk-search>", $this->render());
    }

    public static function languages(): array
    {
        return [['kk'], ['ru'], ['en']];
    }

    public function testASiteThatIsNotMultilingualGetsItsDefault(): void
    {
        $plugin = $this->plugin(['default_lang' => 'ru', 'url' => 'http://127.0.0.1:' . PoiskServer::freePort()], false);
        $this->assertSame('kk', $plugin->language());  // Grav's default language when it has one
        $this->grav['language'] = new Stubs\Language(false, false);
        $this->assertSame('ru', $plugin->language());
    }

    public function testAPlaceholderIsEscaped(): void
    {
        $this->plugin([], 'en');
        $this->grav['twig']->twig_vars['poisk'] = ['lang' => 'en', 'placeholder' => 'Search "news" <now>'];
        $this->assertSame('<poisk-search lang="en" placeholder="Search&#x20;&quot;news&quot;&#x20;&lt;now&gt;"></poisk-search>', $this->render());
    }
}
