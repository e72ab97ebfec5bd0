<?php

declare(strict_types=1);

namespace Grav\Plugin\Poisk;

/**
 * The widget script's address and integrity hash, from Poisk's GET /embed?format=json.
 *
 * Poisk names the script at the address it was asked on; a Grav server that reaches Poisk at a
 * loopback or private address gives visitors the public one instead ({@see $publicUrl}). A Poisk
 * without /embed?format=json (404) still serves the script at /widget/v1/poisk.js: it is added
 * without an integrity hash. No answer: no script.
 */
final class Embed
{
    public const FALLBACK_PATH = '/widget/v1/poisk.js';

    /** @return array{src?: string, integrity?: string} */
    public static function resolve(Result $result, string $base, string $publicUrl = ''): array
    {
        $data = $result->ok() ? $result->json() : null;
        if (is_array($data) && is_string($data['src'] ?? null) && preg_match('#^https?://#i', $data['src'])) {
            $embed = ['src' => $data['src']];
            if (is_string($data['integrity'] ?? null) && preg_match('#^sha(256|384|512)-[A-Za-z0-9+/=]+$#', $data['integrity'])) {
                $embed['integrity'] = $data['integrity'];
            }
        } elseif ($result->status === 404) {
            $embed = ['src' => rtrim($base, '/') . self::FALLBACK_PATH];
        } else {
            return [];
        }
        if ($publicUrl !== '') {
            $path = (string) parse_url($embed['src'], PHP_URL_PATH);
            $query = parse_url($embed['src'], PHP_URL_QUERY);
            $basePath = rtrim((string) parse_url($base, PHP_URL_PATH), '/');
            if ($basePath !== '' && str_starts_with($path, $basePath . '/')) {
                $path = substr($path, strlen($basePath));  // Poisk under a sub-path on the Grav server's side
            }
            $embed['src'] = rtrim($publicUrl, '/') . $path . (is_string($query) ? "?{$query}" : '');
        }

        return $embed;
    }
}
