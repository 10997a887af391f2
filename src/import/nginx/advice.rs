//! What to do instead of each ingress-nginx annotation that has no
//! Gateway API equivalent.

/// Annotations with no Gateway API equivalent, and what to do instead.
pub(super) const ADVICE: &[(&str, &str)] = &[
    (
        "proxy-connect-timeout",
        "set the mesh's connect timeout (an Istio DestinationRule `connectionPool.tcp.connectTimeout`)",
    ),
    (
        "proxy-read-timeout",
        "set the rule's `timeouts.backendRequest` (Gateway API v1.2.0 or later) to the longest a response may take",
    ),
    (
        "proxy-send-timeout",
        "set the rule's `timeouts.request` (Gateway API v1.2.0 or later) to the longest a request may take",
    ),
    (
        "proxy-body-size",
        "limit the request body in the implementation (an Istio EnvoyFilter or the backend)",
    ),
    (
        "client-body-buffer-size",
        "limit the request body in the implementation (an Istio EnvoyFilter or the backend)",
    ),
    (
        "affinity",
        "use the implementation's session persistence (an Istio DestinationRule `consistentHash.httpCookie`)",
    ),
    (
        "affinity-mode",
        "use the implementation's session persistence (an Istio DestinationRule `consistentHash.httpCookie`)",
    ),
    (
        "session-cookie-name",
        "use the implementation's session persistence (an Istio DestinationRule `consistentHash.httpCookie.name`)",
    ),
    (
        "session-cookie-path",
        "use the implementation's session persistence (an Istio DestinationRule `consistentHash.httpCookie.path`)",
    ),
    (
        "session-cookie-domain",
        "session cookies have no domain in Gateway API: drop it or set it in the application",
    ),
    (
        "session-cookie-samesite",
        "set the cookie attributes in the application",
    ),
    (
        "session-cookie-expires",
        "use the implementation's session persistence (an Istio DestinationRule `consistentHash.httpCookie.ttl`)",
    ),
    (
        "session-cookie-max-age",
        "use the implementation's session persistence (an Istio DestinationRule `consistentHash.httpCookie.ttl`)",
    ),
    ("session-cookie-secure", "set the cookie attributes in the application"),
    (
        "whitelist-source-range",
        "allow the source ranges with an Istio AuthorizationPolicy (`ipBlocks`) on the gateway",
    ),
    (
        "allowlist-source-range",
        "allow the source ranges with an Istio AuthorizationPolicy (`ipBlocks`) on the gateway",
    ),
    (
        "denylist-source-range",
        "deny the source ranges with an Istio AuthorizationPolicy (`action: DENY`, `ipBlocks`) on the gateway",
    ),
    (
        "ssl-passthrough",
        "serve the host with a TLSRoute on a `tls: {mode: Passthrough}` listener (write it beside the spec)",
    ),
    (
        "proxy-ssl-secret",
        "write a BackendTLSPolicy for the Service (Gateway API v1.4.0 or later) with its CA certificate",
    ),
    (
        "proxy-ssl-verify",
        "write a BackendTLSPolicy for the Service (Gateway API v1.4.0 or later): it always verifies",
    ),
    (
        "proxy-ssl-name",
        "write a BackendTLSPolicy for the Service with `validation.hostname` set to this name",
    ),
    (
        "proxy-ssl-server-name",
        "write a BackendTLSPolicy for the Service: it always sends SNI",
    ),
    (
        "limit-rps",
        "rate-limit with the implementation (Istio local rate limiting through an EnvoyFilter)",
    ),
    (
        "limit-rpm",
        "rate-limit with the implementation (Istio local rate limiting through an EnvoyFilter)",
    ),
    (
        "limit-burst-multiplier",
        "rate-limit with the implementation (Istio local rate limiting through an EnvoyFilter)",
    ),
    (
        "auth-url",
        "authenticate with the implementation's external authorization (Istio `CUSTOM` AuthorizationPolicy)",
    ),
    (
        "auth-response-headers",
        "authenticate with the implementation's external authorization (Istio `CUSTOM` AuthorizationPolicy)",
    ),
    (
        "auth-type",
        "move basic authentication into the application or an external authorization service",
    ),
    (
        "auth-secret",
        "move basic authentication into the application or an external authorization service",
    ),
    (
        "auth-secret-type",
        "move basic authentication into the application or an external authorization service",
    ),
    (
        "enable-access-log",
        "configure access logs in the implementation (Istio Telemetry `accessLogging`)",
    ),
    ("service-upstream", "a route's backend is the Service already; drop it"),
    (
        "load-balance",
        "set the mesh's load balancer (an Istio DestinationRule `loadBalancer`)",
    ),
    (
        "configuration-snippet",
        "nginx configuration does not carry over: express it with route filters",
    ),
    (
        "server-snippet",
        "nginx configuration does not carry over: express it with route filters",
    ),
];
