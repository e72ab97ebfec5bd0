<?php

declare(strict_types=1);

namespace Grav\Plugin\Poisk;

/**
 * The bodies the plugin sends to POST /api/reindex, in the shape of Grav 2.0's own webhooks.
 */
final class Payload
{
    /**
     * A page change: {"event": "page.updated", "timestamp": ISO 8601, "data": {"routes": [...], "lang": "ru"}}.
     *
     * @param list<string> $routes
     */
    public static function pages(string $event, array $routes, ?string $lang = null, ?int $time = null): string
    {
        $data = ['routes' => array_values($routes)];
        if (count($routes) === 1) {
            $data['route'] = $routes[0];
        }
        if ($lang !== null) {
            $data['lang'] = $lang;
        }

        return self::encode(['event' => $event, 'timestamp' => date('c', $time ?? time()), 'data' => $data]);
    }

    /** Every page looked at again (the "Reindex now" button, the nightly reconciliation). */
    public static function everything(string $reason, ?int $time = null): string
    {
        return self::encode([
            'event' => 'reindex',
            'source' => 'grav-plugin-poisk',
            'reason' => $reason,
            'timestamp' => date('c', $time ?? time()),
        ]);
    }

    /** @param array<string, mixed> $value */
    private static function encode(array $value): string
    {
        return (string) json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }
}
