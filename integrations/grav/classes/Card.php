<?php

declare(strict_types=1);

namespace Grav\Plugin\Poisk;

/**
 * The admin dashboard card's data. Grav fires onAdminDashboard on every admin page, so Poisk's
 * /healthz is asked only when the card is rendered (its template reads {@see state()}), once.
 */
final class Card
{
    private ?State $state = null;

    public function __construct(
        private readonly Client $client,
        private readonly string $publicUrl = '',
    ) {
    }

    public function state(): State
    {
        return $this->state ??= State::fromHealth($this->client->health());
    }

    public function url(): string
    {
        return $this->client->base();
    }

    /** Whether visitors' browsers would be sent to a loopback address for the widget's script. */
    public function loopbackOnly(): bool
    {
        $host = strtolower((string) parse_url($this->publicUrl !== '' ? $this->publicUrl : $this->client->base(), PHP_URL_HOST));

        return in_array(trim($host, '[]'), ['127.0.0.1', 'localhost', '::1'], true);
    }
}
