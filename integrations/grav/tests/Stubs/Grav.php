<?php

declare(strict_types=1);

// Small stand-ins for the Grav classes the plugin touches, with the same names and the methods it calls.

namespace RocketTheme\Toolbox\Event {
    class Event implements \ArrayAccess
    {
        public function __construct(private array $items = [])
        {
        }

        public function offsetExists(mixed $offset): bool
        {
            return isset($this->items[$offset]);
        }

        public function offsetGet(mixed $offset): mixed
        {
            return $this->items[$offset] ?? null;
        }

        public function offsetSet(mixed $offset, mixed $value): void
        {
            $this->items[$offset] = $value;
        }

        public function offsetUnset(mixed $offset): void
        {
            unset($this->items[$offset]);
        }
    }
}

namespace Grav\Common {
    class Utils
    {
        public static array $nonces = [];

        public static function isAdminPlugin(): bool
        {
            return Grav::instance()->admin;
        }

        public static function verifyNonce(string $nonce, string $action): bool
        {
            return ($action === 'admin-form') && in_array($nonce, self::$nonces, true);
        }
    }

    class Grav implements \ArrayAccess
    {
        private static ?Grav $instance = null;
        public bool $admin = false;
        public string $output = '';
        private array $services = [];

        public static function instance(): self
        {
            return self::$instance ??= new self();
        }

        public static function reset(): self
        {
            return self::$instance = new self();
        }

        public function offsetExists(mixed $offset): bool
        {
            return isset($this->services[$offset]);
        }

        public function offsetGet(mixed $offset): mixed
        {
            return $this->services[$offset] ?? null;
        }

        public function offsetSet(mixed $offset, mixed $value): void
        {
            $this->services[$offset] = $value;
        }

        public function offsetUnset(mixed $offset): void
        {
            unset($this->services[$offset]);
        }
    }

    class Plugin
    {
        protected $grav;
        protected $config;

        public function __construct(public $name, $grav, $config = null)
        {
            $this->grav = $grav;
            $this->config = $config;
        }

        public function config()
        {
            return $this->config["plugins.{$this->name}"] ?? [];
        }

        public function isAdmin()
        {
            return Utils::isAdminPlugin();
        }

        protected function enable(array $events)
        {
            Grav::instance()['enabled_events'] = array_merge(Grav::instance()['enabled_events'] ?? [], array_keys($events));
        }
    }
}

namespace Poisk\Tests\Stubs {
    /** Grav's log: what was written, by level. */
    class Log
    {
        public array $lines = [];

        public function __call(string $level, array $args): void
        {
            $this->lines[] = [$level, (string) $args[0]];
        }
    }

    class Page
    {
        public function __construct(
            private string $route,
            private ?string $lang = null,
            private ?Page $original = null,
            private ?string $path = null,
            private ?Page $parent = null,
            private bool $root = false,
        ) {
        }

        public function path(): ?string
        {
            return $this->path;
        }

        public function parent(): ?Page
        {
            return $this->parent;
        }

        public function root(): bool
        {
            return $this->root;
        }

        public function route(): string
        {
            return $this->route;
        }

        public function language(): ?string
        {
            return $this->lang;
        }

        public function isPage(): bool
        {
            return true;
        }

        public function getOriginal(): ?Page
        {
            return $this->original;
        }
    }

    /** Grav's configuration: dotted keys over nested arrays. */
    class Config
    {
        public function __construct(public array $items = [])
        {
        }

        public function get(string $key, mixed $default = null): mixed
        {
            $value = $this->items;
            foreach (explode('.', $key) as $part) {
                if (!is_array($value) || !array_key_exists($part, $value)) {
                    return $default;
                }
                $value = $value[$part];
            }

            return $value;
        }

        public function set(string $key, mixed $value): void
        {
            $node = &$this->items;
            foreach (explode('.', $key) as $part) {
                if (!isset($node[$part]) || !is_array($node[$part])) {
                    $node[$part] = [];
                }
                $node = &$node[$part];
            }
            $node = $value;
        }
    }

    /** The admin plugin's service: the editor's permissions. */
    class Admin
    {
        public function __construct(public array $permissions = [])
        {
        }

        public function authorize(array $actions): bool
        {
            return array_intersect($actions, $this->permissions) !== [];
        }
    }

    /** The admin controller running a task: where it sends the editor afterwards. */
    class Controller
    {
        public ?string $redirect = null;

        public function setRedirect(string $path): void
        {
            $this->redirect = $path;
        }
    }

    /** An admin object that is not a page (a user account). */
    class User
    {
        public function username(): string
        {
            return 'editor';
        }
    }

    class Language
    {
        public function __construct(private string|false $active = false, private string|false $default = false)
        {
        }

        public function getActive(): string|false
        {
            return $this->active;
        }

        public function getDefault(): string|false
        {
            return $this->default;
        }

        public function translate(array $args): string
        {
            return $args[0];
        }
    }

    class Cache
    {
        public array $items = [];

        public function fetch(string $key): mixed
        {
            return $this->items[$key] ?? false;
        }

        public function save(string $key, mixed $value, int $ttl): void
        {
            $this->items[$key] = $value;
        }
    }

    class Assets
    {
        public array $js = [];

        public function addJs(string $src, array $options = []): void
        {
            $this->js[] = [$src, $options];
        }
    }

    class Messages
    {
        public array $added = [];

        public function add(string $text, string $type): void
        {
            $this->added[] = [$type, $text];
        }
    }

    /** Grav's Twig service: its variables and paths, and templates rendered by the real Twig (Debian's php-twig). */
    class Twig
    {
        public array $twig_vars = [];
        public array $twig_paths = [];
        public array $plugins_hooked_dashboard_widgets_top = [];

        public function prependPath(string $path): void
        {
            array_unshift($this->twig_paths, $path);
        }

        public function processTemplate(string $template, array $vars = []): string
        {
            $twig = new \Twig\Environment(new \Twig\Loader\FilesystemLoader($this->twig_paths), ['autoescape' => 'html', 'strict_variables' => false]);

            return $twig->render($template, array_merge($this->twig_vars, $vars));
        }
    }

    class Job
    {
        public string $at = '';

        public function __construct(public $fn, public string $id)
        {
        }

        public function at(string $expression): self
        {
            $this->at = $expression;
            return $this;
        }
    }

    class Scheduler
    {
        public array $jobs = [];

        public function addFunction(callable $fn, array $args = [], ?string $id = null): Job
        {
            return $this->jobs[] = new Job($fn, (string) $id);
        }
    }
}
