<?php

declare(strict_types=1);

namespace Poisk\Tests;

/**
 * A real `poisk serve` on loopback over a copy of the project's sample site, for the plugin's tests.
 * The poisk command comes from POISK_BIN (make test sets it), else the project's .venv.
 */
final class PoiskServer
{
    public const SECRET = 'grav-plugin-tests-secret';

    public string $base;
    public string $site;
    private string $root;
    /** @var resource|null */
    private $process = null;

    public function __construct()
    {
        $plugin = dirname(__DIR__);
        $repo = dirname($plugin, 2);
        $bin = getenv('POISK_BIN') ?: $repo . '/.venv/bin/poisk';
        if (!is_executable($bin)) {
            throw new \RuntimeException("poisk not found at {$bin}: run make install, or set POISK_BIN");
        }
        $this->root = sys_get_temp_dir() . '/poisk-grav-' . bin2hex(random_bytes(4));
        $this->site = $this->root . '/site';
        mkdir($this->root, 0700, true);
        self::copy($repo . '/content', $this->site);
        $index = $this->root . '/var/index';
        $env = [
            'POISK_SEMANTIC' => 'off',
            'POISK_RATE_LIMIT' => '',
            'POISK_REINDEX_SECRET' => self::SECRET,
            'POISK_ANALYTICS' => '',
            'PATH' => getenv('PATH') ?: '/usr/bin:/bin',
            'HOME' => getenv('HOME') ?: $this->root,
        ];
        exec(sprintf('%s index --words-only --content %s --index %s 2>&1', escapeshellarg($bin), escapeshellarg($this->site), escapeshellarg($index)), $out, $code);
        if ($code !== 0) {
            throw new \RuntimeException("poisk index failed:\n" . implode("\n", $out));
        }
        $port = self::freePort();
        $this->base = "http://127.0.0.1:{$port}";
        $command = [$bin, 'serve', '--content', $this->site, '--index', $index, '--port', (string) $port];
        $log = $this->root . '/serve.log';
        $this->process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'w'], 2 => ['file', $log, 'w']], $pipes, null, $env);
        $deadline = microtime(true) + 60;
        while (microtime(true) < $deadline) {
            if (@file_get_contents($this->base . '/healthz') !== false) {
                return;
            }
            usleep(100_000);
        }
        $this->stop();
        throw new \RuntimeException("poisk serve did not start:\n" . @file_get_contents($log));
    }

    public static function freePort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($server, false);
        fclose($server);

        return (int) substr((string) strrchr((string) $name, ':'), 1);
    }

    /** @return array<string, mixed> */
    public function search(string $q, string $lang = 'ru'): array
    {
        $body = @file_get_contents($this->base . '/api/search?' . http_build_query(['q' => $q, 'lang' => $lang]));

        return is_string($body) ? (array) json_decode($body, true) : [];
    }

    public function total(string $q, string $lang = 'ru'): int
    {
        return (int) ($this->search($q, $lang)['total'] ?? -1);
    }

    /** Seconds until $test() holds; fails after $timeout. */
    public function waitFor(callable $test, float $timeout): float
    {
        $started = microtime(true);
        while (!$test()) {
            if (microtime(true) - $started > $timeout) {
                throw new \RuntimeException("not within {$timeout} s");
            }
            usleep(20_000);
        }

        return microtime(true) - $started;
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process, 15);
            $deadline = microtime(true) + 10;
            while (proc_get_status($this->process)['running'] && microtime(true) < $deadline) {
                usleep(50_000);
            }
            if (proc_get_status($this->process)['running']) {
                proc_terminate($this->process, 9);
            }
            proc_close($this->process);
            $this->process = null;
        }
        exec('rm -rf ' . escapeshellarg($this->root));
    }

    private static function copy(string $from, string $to): void
    {
        exec(sprintf('cp -r %s %s', escapeshellarg($from), escapeshellarg($to)), $out, $code);
        if ($code !== 0) {
            throw new \RuntimeException("cannot copy {$from}");
        }
    }
}
