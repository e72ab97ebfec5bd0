<?php

declare(strict_types=1);

namespace Grav\Plugin\Poisk;

/**
 * Talks to a Poisk service over HTTP with short timeouts; never throws: every outcome is a {@see Result}.
 */
final class Client
{
    public function __construct(
        private readonly string $url,
        private readonly string $secret = '',
        private readonly float $timeout = 2.0,
    ) {
    }

    public function base(): string
    {
        return rtrim($this->url, '/');
    }

    /** Tell Poisk what this request changed: the routes, or every page when no route can say it. */
    public function send(RouteCollector $changes, string $reason = 'pages-changed'): Result
    {
        return $changes->everything() ? $this->reindexAll($reason) : $this->pagesChanged($changes);
    }

    /** Ask Poisk to read the named routes again (Grav 2.0 webhook shape, X-Grav-Signature). */
    public function pagesChanged(RouteCollector $changes): Result
    {
        $body = Payload::pages($changes->event(), $changes->routes(), $changes->lang());

        return $this->post('/api/reindex', $body, [
            'X-Grav-Signature: ' . Signature::grav($this->secret, $body),
            'X-Grav-Event: ' . $changes->event(),
            'X-Grav-Delivery: dlv_' . bin2hex(random_bytes(8)),
        ]);
    }

    /** Ask Poisk to look at every page (X-Hub-Signature-256). */
    public function reindexAll(string $reason): Result
    {
        $body = Payload::everything($reason);

        return $this->post('/api/reindex', $body, ['X-Hub-Signature-256: ' . Signature::hub($this->secret, $body)]);
    }

    public function health(): Result
    {
        return $this->request('GET', '/healthz');
    }

    /** The widget script's address and integrity hash: GET /embed?format=json. */
    public function embed(): Result
    {
        return $this->request('GET', '/embed?format=json');
    }

    /** @param list<string> $headers */
    public function post(string $path, string $body, array $headers = []): Result
    {
        return $this->request('POST', $path, $body, array_merge(['Content-Type: application/json'], $headers));
    }

    /** @param list<string> $headers */
    private function request(string $method, string $path, ?string $body = null, array $headers = []): Result
    {
        $started = microtime(true);
        if (!preg_match('#^https?://#i', $this->url)) {
            return new Result(0, '', "the Poisk URL {$this->url} is not http(s)://…");
        }
        if (!function_exists('curl_init')) {
            return new Result(0, '', 'PHP has no curl extension: install php-curl');
        }
        $ch = curl_init($this->base() . $path);
        if ($ch === false) {
            return new Result(0, '', 'curl could not start');
        }
        $ms = max(1, (int) round($this->timeout * 1000));
        $options = [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => array_merge(['Accept: application/json', 'User-Agent: grav-plugin-poisk/1.0'], $headers),
            CURLOPT_CONNECTTIMEOUT_MS => $ms,
            CURLOPT_TIMEOUT_MS => $ms,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_NOSIGNAL => true,
        ];
        if (defined('CURLOPT_PROTOCOLS') && defined('CURLPROTO_HTTP') && defined('CURLPROTO_HTTPS')) {
            $options[CURLOPT_PROTOCOLS] = CURLPROTO_HTTP | CURLPROTO_HTTPS;
        }
        if ($body !== null) {
            $options[CURLOPT_POSTFIELDS] = $body;
        }
        curl_setopt_array($ch, $options);
        $response = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = $response === false ? (curl_error($ch) ?: 'no answer') : null;
        curl_close($ch);
        $seconds = microtime(true) - $started;

        return new Result($error === null ? $status : 0, is_string($response) ? $response : '', $error, $seconds);
    }
}
