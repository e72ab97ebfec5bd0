<?php

declare(strict_types=1);

namespace Grav\Plugin\Poisk;

/** What one call to Poisk gave: a status (0 when no answer came), the body, or the transport's error. */
final class Result
{
    public function __construct(
        public readonly int $status,
        public readonly string $body = '',
        public readonly ?string $error = null,
        public readonly float $seconds = 0.0,
    ) {
    }

    public function ok(): bool
    {
        return $this->error === null && $this->status >= 200 && $this->status < 300;
    }

    /** @return array<string, mixed>|null */
    public function json(): ?array
    {
        $data = json_decode($this->body, true);

        return is_array($data) ? $data : null;
    }

    public function describe(): string
    {
        if ($this->error !== null) {
            return $this->error;
        }
        $message = $this->json()['error'] ?? '';

        return "HTTP {$this->status}" . ($message !== '' ? ": {$message}" : '');
    }
}
