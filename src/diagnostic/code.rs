//! The stable codes of diagnostics. Each has a number (`GW410`, what users
//! see and search for), a one-line summary, a [`Class`] from which the exit
//! code follows, and a longer explanation with an example
//! (`gatewright explain GW410`, `docs/diagnostics.md`).
//!
//! Adding a code: one row in the `codes!` table below, in numeric order, and
//! its `## GWnnn` section in `codes.md` beside this file.

use std::fmt;

use serde::{Serialize, Serializer};

/// What kind of failure a code reports; the exit code follows from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Something to fix in the spec or the files given: exit 1.
    Finding,
    /// Files, directories, Git or a `--crds` file could not be read or
    /// written as asked: exit 2.
    Io,
    /// A command line that cannot be run as given (an argument, a request
    /// line): exit 2.
    Usage,
    /// A bug in gatewright: exit 2.
    Internal,
}

impl Class {
    /// The process exit code of a run whose errors include this class
    /// (the highest wins).
    pub const fn exit_code(self) -> u8 {
        match self {
            Class::Finding => 1,
            Class::Io | Class::Usage | Class::Internal => 2,
        }
    }

    /// How `docs/diagnostics.md` and `explain` name the class.
    pub const fn name(self) -> &'static str {
        match self {
            Class::Finding => "finding",
            Class::Io => "I/O",
            Class::Usage => "usage",
            Class::Internal => "internal",
        }
    }
}

macro_rules! codes {
    ($($name:ident = $number:literal, $class:ident, $summary:literal;)*) => {
        /// A diagnostic's stable code; it prints as `GWnnn`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $(#[doc = $summary] $name,)*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The number, `410` for `GW410`.
            pub const fn number(self) -> u16 {
                match self {
                    $(Code::$name => $number,)*
                }
            }

            /// The code as users see it, `GW410`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => concat!("GW", $number),)*
                }
            }

            /// What the code reports, in one line.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Code::$name => $summary,)*
                }
            }

            /// What kind of failure it is; the exit code follows from it.
            pub const fn class(self) -> Class {
                match self {
                    $(Code::$name => Class::$class,)*
                }
            }

            /// The variant's name in the source, `HostnameMatchesNoListener`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Code::$name => stringify!($name),)*
                }
            }
        }
    };
}

codes! {
    UnreadableFile = 101, Io, "a file cannot be read, or is not a regular file (FIFO, device)";
    InvalidYaml = 102, Finding, "invalid YAML (syntax, duplicate key, limits, a character YAML forbids)";
    NoSpecDocuments = 103, Finding, "no spec documents found";
    SpecNotAMapping = 104, Finding, "a spec document is not a mapping";
    WrongApiVersion = 105, Finding, "a spec file's `apiVersion` is not `gatewright.dev/v1alpha1`";
    DefinedTwice = 106, Finding, "the same gateway, app, route or `mesh` defined in two files";
    UnknownEnvironment = 107, Finding, "unknown environment (`--env`)";
    OverlayNotAMapping = 108, Finding, "an overlay is not a mapping";
    PlatformSettingInAppFile = 109, Finding, "a team's app file sets a platform setting (`mesh`, `gateways`, ...)";
    OverlayDocuments = 110, Finding, "an overlay file holds more than one document";
    InvalidEnvironmentName = 111, Finding, "an environment name (overlay file name, `--env`) is not a DNS-1123 label";
    EnvironmentDefinedTwice = 112, Finding, "two overlay files define one environment (`dev.yaml` and `dev.yml`)";
    ExportPathRefused = 113, Io, "`blueprints export`: the directory, or a path a template goes to, is a symlink or not a regular file";
    ExportWouldOverwrite = 114, Io, "`blueprints export`: a template differs from the built-in one (without `--force`)";
    SpecEntryNotRead = 115, Finding, "an entry of a spec directory that looks like a spec file is not read: a symlink, or a `*.YAML`/`*.Yml` name (warning)";
    BaseTreeTooLarge = 116, Io, "`diff`: the tree of a revision holds more files or bytes than `diff` extracts (50,000 files, 512 MiB)";
    MixedSpecFile = 130, Finding, "a file of a spec directory mixes `Site` documents and Kubernetes objects";
    UnnamedManifestFile = 131, Finding, "a file of Kubernetes objects in a spec directory that no app names under `manifests:`";
    OverlayNearMiss = 132, Finding, "an overlay adds a gateway, listener, app, route or ListenerSet whose name is a small edit away from one the spec defines";
    OverlayEntryIncomplete = 133, Finding, "an overlay adds a gateway, listener, app, route or ListenerSet that is not complete on its own";
    OverlayDeletesNothing = 134, Finding, "an overlay deletes (`null`) a gateway, listener, app, route or ListenerSet the spec does not define";
    UnknownProfile = 201, Finding, "unknown profile";
    UnknownField = 202, Finding, "unknown field";
    MissingField = 203, Finding, "missing required field";
    WrongType = 204, Finding, "wrong type (e.g. `on` read as a boolean)";
    ValueNotAllowed = 205, Finding, "value not among the allowed ones";
    OutOfRange = 206, Finding, "number out of range";
    SchemaViolation = 207, Finding, "other schema violation (a value without the expected form)";
    SchemaInternal = 299, Internal, "internal error: the spec schema does not compile, or a validated spec does not deserialize";
    InjectionWithRevision = 301, Finding, "`defaultInjection` combined with a revision";
    ManagedLabel = 302, Finding, "a label gatewright manages set by hand";
    GatewayIncomplete = 303, Finding, "gateway without namespace or class";
    GatewayWithoutListeners = 304, Finding, "gateway without listeners";
    UnknownGateway = 305, Finding, "unknown gateway";
    RouteWithoutGateway = 306, Finding, "route without a gateway when there are several";
    SharedNamespace = 310, Finding, "two apps share a namespace";
    HostAndHostnames = 311, Finding, "`host` and `hostnames` both set";
    RulesWithShortForm = 312, Finding, "`rules` combined with the short form";
    RouteWithoutBackend = 313, Finding, "route without a backend";
    NotServicePort = 314, Finding, "`to` is not `SERVICE:PORT`";
    UnknownListener = 315, Finding, "unknown listener";
    BackendNamespaceNotOwned = 316, Finding, "backend in a namespace the spec does not own (warning)";
    CertificateNamespaceNotOwned = 317, Finding, "listener certificate in a namespace the spec does not own (warning)";
    ListenerTls = 318, Finding, "HTTPS listener without a certificate, or `tls` on an HTTP listener";
    GatewayNameTooLong = 319, Finding, "gateway name too long for its `Selector` label";
    ManifestFileName = 321, Finding, "a manifest file name that cannot be used in the output";
    DuplicateManifest = 322, Finding, "two manifests of one app namespace with one file name (letter case aside)";
    UnreadableManifest = 323, Finding, "a local manifest cannot be read";
    InvalidManifestYaml = 324, Finding, "a manifest is not valid YAML";
    ServiceNotFound = 325, Finding, "a Service to patch is not in the app's manifests";
    UnsupportedManifestUrl = 326, Finding, "unsupported manifest URL";
    MovingManifestUrl = 327, Finding, "manifest URL on a moving branch (warning)";
    ManifestOutsideRoot = 328, Finding, "a local manifest outside its root, or in a `.git` folder";
    FilterFields = 330, Finding, "a filter sets no field, several, or one that contradicts `type`";
    FilterNotForGrpc = 331, Finding, "a filter a GRPCRoute cannot take (`requestRedirect`, `urlRewrite`, `cors`)";
    ParentRefsWithGateway = 332, Finding, "`parentRefs` combined with `gateway` or `listener`";
    BackendWithoutPort = 333, Finding, "backend Service without a port";
    ValueRefused = 334, Finding, "a redirect status code, redirect scheme or mirror fraction the Gateway API refuses";
    FilterValueRefused = 335, Finding, "a filter, backend, CORS, gateway infrastructure or TLS option value the Gateway API refuses";
    CombinationRefused = 336, Finding, "a combination of filters, matches or values the Gateway API refuses";
    BackendTimeoutTooLong = 337, Finding, "`timeouts.backendRequest` longer than `timeouts.request`";
    UnknownService = 341, Finding, "a backend Service that the app's local manifests do not define";
    UnknownServicePort = 342, Finding, "a backend port that the Service does not expose";
    AllowNotAllowable = 343, Finding, "an `allow:` entry that names no refusal that place may let through";
    SameGatewayTwice = 344, Finding, "two gateways that are the same Gateway object (`name` and `namespace`)";
    ListenerSetNotAdmitted = 350, Finding, "a ListenerSet whose gateway's `allowedListeners` does not admit its namespace";
    ListenerSetWithoutListeners = 351, Finding, "`listenerSet` without `listeners`, or a `listenerSets` entry without listeners";
    ListenerSetSelector = 352, Finding, "an app listener that admits routes by `Selector` without a `selector`";
    SameListenerSetTwice = 353, Finding, "two ListenerSets of one app with the same name";
    AmbiguousListener = 354, Finding, "a route's `listener` that names listeners of several ListenerSets";
    L4RouteAttachesNowhere = 360, Finding, "a TLS, TCP or UDP route that no listener of its protocol takes (protocol, `allowedRoutes.kinds`, hostname, port)";
    L4ListenerClaimedTwice = 361, Finding, "two TCP or UDP routes on one listener, or two TLS routes with one SNI hostname on one listener";
    TlsRouteWithoutHostname = 362, Finding, "a TLS route without a hostname";
    ListenerRefusesRouteKind = 363, Finding, "an HTTP or gRPC route whose listeners take no routes of its kind (a TLS, TCP or UDP listener, `allowedRoutes.kinds`)";
    HttpAndGrpcRouteShareHostname = 364, Finding, "an HTTPRoute and a GRPCRoute whose hostnames intersect on one listener (the API accepts only one of them)";
    TlsRefKind = 370, Finding, "a certificate reference of a kind the Gateway API does not define as core (ConfigMap CA, Secret client certificate)";
    TlsRefNamespace = 371, Finding, "a BackendTLSPolicy CA certificate in another namespace (the API has no field for it)";
    TlsRefNamespaceNotOwned = 372, Finding, "a Gateway `tls` certificate in a namespace the spec does not own (warning)";
    TlsPolicyUnknownService = 373, Finding, "a BackendTLSPolicy targets a Service the app does not know (warning)";
    TlsHostname = 374, Finding, "an invalid BackendTLSPolicy hostname, subject alternative name or name";
    TlsPolicyConflict = 375, Finding, "two BackendTLSPolicies target the same Service and port";
    TlsOverLimit = 376, Finding, "over a Gateway API limit of Gateway `tls` or BackendTLSPolicy";
    TlsPerPortNoListener = 377, Finding, "a `tls.frontend.perPort` port with no TLS listener of the gateway";
    TlsPerPortTwice = 378, Finding, "one port twice in `tls.frontend.perPort`";
    TlsValidationFields = 379, Finding, "BackendTLSPolicy `validation` fields the API refuses together or without each other";
    UnknownProtocol = 380, Finding, "a listener protocol gatewright does not analyze (warning)";
    InvalidName = 401, Finding, "invalid name (DNS-1123)";
    InvalidHostname = 402, Finding, "invalid hostname";
    InvalidPath = 403, Finding, "invalid path value";
    InvalidLabel = 404, Finding, "invalid label key or value";
    InvalidMatch = 405, Finding, "invalid header or query parameter match";
    InvalidAddress = 407, Finding, "invalid gateway address";
    OverApiLimit = 408, Finding, "over an API limit of the target Gateway API version";
    HostnameMatchesNoListener = 410, Finding, "route hostname matches no listener";
    NamespaceNotAdmitted = 411, Finding, "no listener the route attaches to admits its namespace (`allowedRoutes`)";
    ParentRefNamespace = 412, Finding, "a route's parentRef names a gateway or ListenerSet of the spec in the wrong namespace";
    MissingReferenceGrant = 413, Finding, "a cross-namespace backend or certificate has no ReferenceGrant";
    ForeignGateway = 414, Finding, "a route attaches to a gateway or ListenerSet the spec does not define (warning)";
    NamespaceReadsAsScalar = 415, Finding, "a namespace that YAML reads as a number, boolean, null or date";
    ListenerClash = 420, Finding, "two listeners of a gateway with the same name, or the same port, protocol and hostname";
    IncompatibleProtocols = 421, Finding, "listeners of incompatible protocols on one port";
    HostnameOnTcpListener = 422, Finding, "a hostname on a TCP or UDP listener";
    FeatureTooNew = 425, Finding, "a feature the target Gateway API version lacks";
    HostnameClaimedTwice = 430, Finding, "two routes claim the same hostname and match on one listener";
    UnreadableBlueprint = 501, Io, "blueprint cannot be read";
    BlueprintError = 502, Finding, "blueprint template error";
    BlueprintOutput = 503, Finding, "blueprint output is not one valid object";
    NotABlueprint = 504, Finding, "a file in the blueprint directory is not a blueprint";
    BlueprintBudget = 505, Finding, "a blueprint ran out of its work budget or hit a bound of the template engine";
    BlueprintObjectTooLarge = 506, Finding, "a blueprint wrote more than 3 MiB for one object";
    BlueprintRenderTooLarge = 507, Finding, "the blueprints wrote more than 256 MiB for all the objects of one render";
    GitopsPathOutside = 601, Finding, "a `gitops` path is not a path inside the repository";
    GitopsOverlap = 602, Finding, "the GitOps objects folder and the output overlap";
    ManifestUrlInPlugin = 603, Finding, "a manifest URL where the Argo CD plugin renders";
    RepositoryUrl = 604, Finding, "`gitops.repository.url` is not `https://`/`ssh://`";
    InvalidGitopsName = 605, Finding, "invalid `gitops.name`";
    OverlayChangesGitops = 606, Finding, "an overlay changes shared `gitops` settings";
    EnvironmentNamedLikeCrds = 607, Finding, "an environment named like the CRDs folder (`gateway-api`)";
    EmptyPluginStream = 608, Finding, "the plugin stream would be empty";
    GitopsNameClash = 609, Finding, "two generated GitOps objects would have one name";
    TraceUsage = 620, Usage, "`trace`: a URL that is not an absolute `http://`/`https://` URL, or missing inputs or URL";
    TraceHeader = 621, Usage, "`trace`: a `-H` header that is not `Name: value`, or a bad `-X` method";
    TraceUnknownGateway = 622, Usage, "`trace`: `--gateway` names a Gateway that is not in the inputs";
    TraceAmbiguousGateway = 623, Usage, "`trace`: several Gateways can take the request and `--gateway` is not given";
    TraceNoGateway = 624, Usage, "`trace`: no Gateway in the inputs, or none with a listener for the request";
    TraceRequestLine = 625, Usage, "`trace --requests`: a line that is not `METHOD URL [Name: value]...` or a `tls://`, `tcp://` or `udp://` URL, each optionally followed by `=> STATUS [BACKEND]`";
    TraceNeedsEnv = 626, Usage, "`trace`: a spec with several environments and no `--env`";
    TraceGatewayName = 627, Usage, "`trace`: `--gateway` is not `NAMESPACE/NAME`";
    TraceObjectLeftOut = 629, Finding, "`trace`: an object that does not parse as its Gateway API kind is left out of routing (warning)";
    OutputIo = 701, Io, "the output directory cannot be read or written";
    OutputSymlink = 702, Io, "the output directory is a symlink or not a directory";
    OutputInTheWay = 703, Io, "a file or folder gatewright did not write is in the way";
    OutputPathOutside = 704, Io, "a path outside the output directory";
    OutputLocked = 705, Io, "another render is writing the same output directory";
    OutputHoldsSpec = 706, Io, "the output directory holds spec files";
    OutNotGitopsOutput = 708, Io, "`--out` is not the spec's `gitops.output`";
    GitFailed = 710, Io, "`git` failed in `diff` (not a repository, unknown revision)";
    MountInOutput = 711, Io, "a mount point inside the output directory";
    OutputChanged = 712, Io, "a file in the output directory changed during the render";
    ImmutableInOutput = 713, Io, "an immutable or append-only file or folder in the output directory";
    RevisionDoesNotCompile = 720, Io, "`diff`: the spec does not compile at a revision or in the working tree";
    ManifestsUnderOutsideRepository = 721, Io, "`diff --base`: `--manifests-under DIR` is outside the repository";
    UnreadableTree = 722, Io, "`diff --trees`: a tree that is missing, unreadable or not a directory";
    InjectedFailure = 799, Io, "a write failure injected for tests (`GATEWRIGHT_FAIL_AFTER_FILES`)";
    CrdSchema = 801, Finding, "the CRD's structural schema refuses a field";
    CrdCelRule = 802, Finding, "a CEL rule of the CRD (`x-kubernetes-validations`) is false";
    NotCovered = 803, Finding, "the CRDs given do not define the object's group (warning; error with `--strict`)";
    NotAnObject = 804, Finding, "a document is not a Kubernetes object";
    UnusableCrds = 805, Io, "a `--crds` file cannot be used (not YAML, no CRD, a rule that does not compile)";
    CrdRelease = 806, Finding, "the CRDs' Gateway API release is not the one the output targets (warning)";
    NoMatchForKind = 807, Finding, "the CRDs of the object's group do not serve its kind or version";
    CrdCostTooHigh = 808, Io, "a `--crds` file cannot be used: a CEL rule's estimated cost exceeds the API server's budget";
    CelBudgetExceeded = 809, Finding, "the object's CEL rules run out of the API server's cost budget";
    NotImported = 901, Finding, "`import`: an object or part of one not carried over (warning)";
    IngressNotCarriedOver = 902, Finding, "`import`: an Ingress annotation not carried over, or a path type approximated (warning)";
    DefaultNamespace = 903, Finding, "`import`: an object without namespace put in `default` (warning)";
    ImportToReview = 904, Finding, "`import`: a proposed gateway or placeholder domain to review (warning)";
    TwoNamespaces = 905, Finding, "`import`: a file two kustomizations put in different namespaces (warning)";
    KustomizationNotApplied = 906, Finding, "`import`: a kustomization's name prefix or suffix, patches or components not applied (warning)";
    ImportDuplicate = 910, Finding, "`import`: an object that appears again later; the last is imported (warning)";
    ImportNameShortened = 911, Finding, "`import`: a name over 63 characters shortened (warning)";
    ImportSelectorLabels = 912, Finding, "`import`: labels put on a route's namespace so that its gateway's `Selector` admits it (warning)";
    ImportGatewayChosen = 913, Finding, "`import`: a route without parent attached to one of several gateways, or to none that admits it (warning)";
    ImportAllowWritten = 914, Finding, "`import`: `allow: [GWnnn]` written for a manifest that needs it (warning)";
    NginxNoEquivalent = 940, Finding, "`import`: an ingress-nginx annotation with no Gateway API equivalent; the help says what to do (warning)";
    NginxNotANumber = 941, Finding, "`import`: an ingress-nginx annotation value that is not a number where one is expected (warning)";
    IngressClassSkipped = 942, Finding, "`import`: an Ingress of a class not imported (`--ingress-class`) (warning)";
    CanaryWithoutMain = 943, Finding, "`import`: a canary Ingress without a main Ingress for its host and path (warning)";
    IngressPathServedTwice = 944, Finding, "`import`: an Ingress path another Ingress already serves on that host; the oldest is kept (warning)";
    NginxNotExpressible = 945, Finding, "`import`: a rewrite, redirect or gRPC path Gateway API cannot express (warning)";
    RedirectStatusApproximated = 946, Finding, "`import`: a redirect status the target Gateway API version lacks; the nearest is written (warning)";
    CorsAsHeaders = 947, Finding, "`import`: CORS written as response headers (target older than v1.6.1) (warning)";
    HttpsRedirectNotAdded = 948, Finding, "`import`: an HTTP-to-HTTPS redirect not added (no TLS host, or the manifests bring a Gateway) (warning)";
    NginxUnknownAnnotation = 949, Finding, "`import`: an `nginx.ingress.kubernetes.io/*` annotation that is not ingress-nginx's (warning)";
    RewriteMatchesCase = 950, Finding, "`import`: a `rewrite-target` path that ingress-nginx matches without case now matches with case (warning)";
    PrefixRegexOutranked = 951, Finding, "`import`: paths an `ImplementationSpecific` path serves by characters only (`/shopx` of `/shop`) match through a regular expression, which another path of the host outranks (warning)";
}

/// The long explanations, one `## GWnnn` section per code.
const EXPLANATIONS: &str = include_str!("codes.md");

impl Code {
    /// The code `text` names: `GW410`, `gw410` or `410`.
    pub fn parse(text: &str) -> Option<Code> {
        let t = text.trim();
        let digits = t.strip_prefix("GW").or_else(|| t.strip_prefix("gw")).unwrap_or(t);
        let number: u16 = digits.parse().ok().filter(|_| digits.len() == 3)?;
        Code::ALL.iter().copied().find(|c| c.number() == number)
    }

    /// The longer description with an example, in Markdown (its section of
    /// `codes.md` without the heading); empty if the section is missing.
    pub fn explanation(self) -> &'static str {
        let heading = format!("## {}\n", self.as_str());
        let Some(at) = EXPLANATIONS.find(&heading) else {
            return "";
        };
        let body = &EXPLANATIONS[at + heading.len()..];
        let end = body.find("\n## GW").map_or(body.len(), |i| i + 1);
        body[..end].trim()
    }

    /// What `gatewright explain` prints.
    pub fn explain(self) -> String {
        let class = self.class();
        format!(
            "{}: {} ({}, exit {})\n\n{}\n",
            self.as_str(),
            self.summary(),
            class.name(),
            class.exit_code(),
            self.explanation()
        )
    }
}

/// `docs/diagnostics.md`: every code with its summary, class and explanation.
pub fn reference() -> String {
    let mut out = String::from(
        "<!-- Generated from src/diagnostic/code.rs and src/diagnostic/codes.md: \
         refresh with `INSTA_UPDATE=always cargo test codes::`. -->\n\n\
         # Diagnostics\n\n\
         Every finding names `file:line:column`, the spec path, what was expected, and a\n\
         likely fix; all findings of a run are reported, sorted by file and line.\n\
         `--format json` prints them as JSON on stderr. Codes are stable;\n\
         `gatewright explain GWnnn` prints a code's section of this page.\n\n\
         The class of a code decides the exit code: a *finding* (something to fix in the\n\
         spec or the files given) is exit 1; an *I/O* error (files, directories, Git or a\n\
         `--crds` file that cannot be read or written as asked) and an *internal* error\n\
         (a bug in gatewright) are exit 2. Warnings do not change the exit code.\n\n\
         | code | class | meaning |\n| --- | --- | --- |\n",
    );
    for c in Code::ALL {
        let summary = c.summary().replace('|', "\\|");
        out.push_str(&format!(
            "| [{0}](#{1}) | {2} | {summary} |\n",
            c,
            c.as_str().to_lowercase(),
            c.class().name()
        ));
    }
    for c in Code::ALL {
        let class = c.class();
        out.push_str(&format!(
            "\n## {c}\n\n*{}, exit {}:* {}.\n\n",
            class.name(),
            class.exit_code(),
            c.summary()
        ));
        out.push_str(c.explanation());
        out.push('\n');
    }
    out
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.number().cmp(&other.number())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
