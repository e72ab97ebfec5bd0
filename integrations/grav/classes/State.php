<?php

declare(strict_types=1);

namespace Grav\Plugin\Poisk;

/**
 * What the admin card shows of Poisk's /healthz: reachable or not, pages, last update, the indexer's
 * last run, errors.
 */
final class State
{
    /**
     * @param list<string> $errors
     */
    public function __construct(
        public readonly bool $reachable,
        public readonly string $status = 'unknown',
        public readonly ?int $pages = null,
        public readonly ?string $updated = null,
        public readonly array $errors = [],
        public readonly ?string $summary = null,
        public readonly bool $running = false,
    ) {
    }

    public static function fromHealth(Result $result): self
    {
        $data = $result->json();
        if ($result->status === 0 || $data === null) {
            return new self(false, 'unreachable', null, null, [$result->describe()]);
        }
        $indexer = is_array($data['indexer'] ?? null) ? $data['indexer'] : [];
        $errors = [];
        foreach ([$data['reason'] ?? null, $indexer['error'] ?? null, $data['error'] ?? null] as $error) {
            if (is_string($error) && $error !== '' && !in_array($error, $errors, true)) {
                $errors[] = $error;
            }
        }
        if ($errors === [] && !$result->ok()) {
            $errors[] = $result->describe();  // e.g. a proxy's 502 in front of Poisk
        }
        $pages = $data['documents'] ?? null;
        $updated = $data['updated_at'] ?? null;
        $summary = $indexer['last_summary'] ?? null;

        return new self(
            true,
            (string) ($data['status'] ?? ($result->ok() ? 'ok' : 'error')),
            is_numeric($pages) ? (int) $pages : null,
            is_scalar($updated) ? (string) $updated : null,
            $errors,
            is_string($summary) && $summary !== '' ? $summary : null,
            (bool) ($indexer['running'] ?? false) || (bool) ($indexer['pending'] ?? false),
        );
    }
}
