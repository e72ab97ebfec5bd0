<?php

declare(strict_types=1);

namespace Grav\Plugin\Poisk;

/**
 * The page routes changed during one request, each once, whichever events named them
 * (a Grav 1.7 admin save fires onAdminAfterSave and, for Flex pages, onFlexObjectAfterSave too).
 *
 * A change no route can name (top-level pages reordered: their folders renamed under the pages
 * folder itself) asks for every page to be looked at instead.
 */
final class RouteCollector
{
    /** @var array<string, true> */
    private array $routes = [];
    /** @var array<string, true> */
    private array $langs = [];
    private bool $deletedOnly = true;
    private bool $everything = false;

    public function add(?string $route, ?string $lang = null, bool $deleted = false): void
    {
        $route = trim((string) $route);
        if ($route === '' || strlen($route) > 1024 || str_contains($route, "\0")) {
            return;
        }
        $route = '/' . ltrim($route, '/');
        $this->routes[$route] = true;
        if ($lang !== null && $lang !== '') {
            $this->langs[$lang] = true;
        }
        $this->deletedOnly = $this->deletedOnly && $deleted;
    }

    /** Every page is to be looked at (incrementally: Poisk reads only what changed). */
    public function addEverything(): void
    {
        $this->everything = true;
        $this->deletedOnly = false;
    }

    public function everything(): bool
    {
        return $this->everything;
    }

    /** @return list<string> */
    public function routes(): array
    {
        return array_keys($this->routes);
    }

    /** The event to name: page.deleted when every change was a deletion, else page.updated. */
    public function event(): string
    {
        return $this->deletedOnly ? 'page.deleted' : 'page.updated';
    }

    public function lang(): ?string
    {
        return count($this->langs) === 1 ? (string) array_key_first($this->langs) : null;
    }

    public function isEmpty(): bool
    {
        return $this->routes === [] && !$this->everything;
    }

    public function clear(): void
    {
        $this->routes = [];
        $this->langs = [];
        $this->deletedOnly = true;
        $this->everything = false;
    }
}
