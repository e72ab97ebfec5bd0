<?php

declare(strict_types=1);

namespace Grav\Plugin\Poisk;

/**
 * Signatures of what the plugin sends to Poisk: Grav 2.0's X-Grav-Signature (hex HMAC-SHA256 of the raw body,
 * no prefix) for page changes, GitHub's X-Hub-Signature-256 ("sha256=" + the same) for a full reconciliation.
 */
final class Signature
{
    public static function grav(string $secret, string $body): string
    {
        return hash_hmac('sha256', $body, $secret);
    }

    public static function hub(string $secret, string $body): string
    {
        return 'sha256=' . self::grav($secret, $body);
    }
}
