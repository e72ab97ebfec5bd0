<?php

declare(strict_types=1);

namespace Grav\Plugin\Poisk;

/**
 * A few small values kept in files with an expiry, for when Grav's own cache is turned off
 * (then it keeps nothing, and every page view would ask Poisk for the widget's address).
 */
final class FileCache
{
    public function __construct(private readonly string $dir)
    {
    }

    /** @return array<string, mixed>|null the value, or null when missing or expired */
    public function get(string $key): ?array
    {
        $raw = @file_get_contents($this->file($key));
        $kept = is_string($raw) ? json_decode($raw, true) : null;
        if (!is_array($kept) || !is_array($kept['value'] ?? null) || (int) ($kept['expires'] ?? 0) < time()) {
            return null;
        }

        return $kept['value'];
    }

    /** @param array<string, mixed> $value */
    public function put(string $key, array $value, int $ttl): void
    {
        if (!is_dir($this->dir) && !@mkdir($this->dir, 0775, true) && !is_dir($this->dir)) {
            return;
        }
        $file = $this->file($key);
        $tmp = $file . '.' . bin2hex(random_bytes(4)) . '.tmp';
        if (@file_put_contents($tmp, (string) json_encode(['expires' => time() + $ttl, 'value' => $value])) !== false) {
            @rename($tmp, $file);  // atomic: a reader sees the old file or the new one
        }
        @unlink($tmp);
    }

    private function file(string $key): string
    {
        return rtrim($this->dir, '/') . '/' . preg_replace('/[^A-Za-z0-9_.-]/', '_', $key) . '.json';
    }
}
