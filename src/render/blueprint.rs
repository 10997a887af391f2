//! The blueprints: one template per output kind, its file name, context
//! name and built-in text.

/// A blueprint: one template per output kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Blueprint {
    /// `gateway.yaml.j2`, context `gateway`.
    Gateway,
    /// `httproute.yaml.j2`, context `route`.
    HttpRoute,
    /// `grpcroute.yaml.j2`, context `route`.
    GrpcRoute,
    /// `listenerset.yaml.j2`, context `listenerSet`.
    ListenerSet,
    /// `tlsroute.yaml.j2`, context `route`.
    TlsRoute,
    /// `tcproute.yaml.j2`, context `route`.
    TcpRoute,
    /// `udproute.yaml.j2`, context `route`.
    UdpRoute,
    /// `namespace.yaml.j2`, context `namespace`.
    Namespace,
    /// `referencegrant.yaml.j2`, context `grant`.
    ReferenceGrant,
    /// `backendtlspolicy.yaml.j2`, context `policy`.
    BackendTlsPolicy,
    /// `service-patch.yaml.j2`, context `patch`.
    ServicePatch,
    /// `flux-kustomization.yaml.j2`, context `kustomization` (GitOps objects).
    FluxKustomization,
    /// `flux-gitrepository.yaml.j2`, context `repository` (GitOps objects).
    FluxGitRepository,
    /// `argocd-application.yaml.j2`, context `application` (GitOps objects).
    ArgoApplication,
    /// `argocd-applicationset.yaml.j2`, context `applicationSet` (GitOps objects).
    ArgoApplicationSet,
}

impl Blueprint {
    /// Every blueprint.
    pub const ALL: [Blueprint; 15] = [
        Blueprint::Gateway,
        Blueprint::HttpRoute,
        Blueprint::GrpcRoute,
        Blueprint::ListenerSet,
        Blueprint::TlsRoute,
        Blueprint::TcpRoute,
        Blueprint::UdpRoute,
        Blueprint::Namespace,
        Blueprint::ReferenceGrant,
        Blueprint::BackendTlsPolicy,
        Blueprint::ServicePatch,
        Blueprint::FluxKustomization,
        Blueprint::FluxGitRepository,
        Blueprint::ArgoApplication,
        Blueprint::ArgoApplicationSet,
    ];

    /// The template's file name.
    pub fn file_name(self) -> &'static str {
        match self {
            Blueprint::Gateway => "gateway.yaml.j2",
            Blueprint::HttpRoute => "httproute.yaml.j2",
            Blueprint::GrpcRoute => "grpcroute.yaml.j2",
            Blueprint::ListenerSet => "listenerset.yaml.j2",
            Blueprint::TlsRoute => "tlsroute.yaml.j2",
            Blueprint::TcpRoute => "tcproute.yaml.j2",
            Blueprint::UdpRoute => "udproute.yaml.j2",
            Blueprint::Namespace => "namespace.yaml.j2",
            Blueprint::ReferenceGrant => "referencegrant.yaml.j2",
            Blueprint::BackendTlsPolicy => "backendtlspolicy.yaml.j2",
            Blueprint::ServicePatch => "service-patch.yaml.j2",
            Blueprint::FluxKustomization => "flux-kustomization.yaml.j2",
            Blueprint::FluxGitRepository => "flux-gitrepository.yaml.j2",
            Blueprint::ArgoApplication => "argocd-application.yaml.j2",
            Blueprint::ArgoApplicationSet => "argocd-applicationset.yaml.j2",
        }
    }

    /// The name the object is bound to in the template context.
    pub fn context_name(self) -> &'static str {
        match self {
            Blueprint::Gateway => "gateway",
            Blueprint::ListenerSet => "listenerSet",
            Blueprint::HttpRoute
            | Blueprint::GrpcRoute
            | Blueprint::TlsRoute
            | Blueprint::TcpRoute
            | Blueprint::UdpRoute => "route",
            Blueprint::Namespace => "namespace",
            Blueprint::ReferenceGrant => "grant",
            Blueprint::BackendTlsPolicy => "policy",
            Blueprint::ServicePatch => "patch",
            Blueprint::FluxKustomization => "kustomization",
            Blueprint::FluxGitRepository => "repository",
            Blueprint::ArgoApplication => "application",
            Blueprint::ArgoApplicationSet => "applicationSet",
        }
    }

    /// The built-in template text (embedded at build time).
    pub fn builtin(self) -> &'static str {
        match self {
            Blueprint::Gateway => include_str!("../../blueprints/gateway.yaml.j2"),
            Blueprint::HttpRoute => include_str!("../../blueprints/httproute.yaml.j2"),
            Blueprint::GrpcRoute => include_str!("../../blueprints/grpcroute.yaml.j2"),
            Blueprint::ListenerSet => include_str!("../../blueprints/listenerset.yaml.j2"),
            Blueprint::TlsRoute => include_str!("../../blueprints/tlsroute.yaml.j2"),
            Blueprint::TcpRoute => include_str!("../../blueprints/tcproute.yaml.j2"),
            Blueprint::UdpRoute => include_str!("../../blueprints/udproute.yaml.j2"),
            Blueprint::Namespace => include_str!("../../blueprints/namespace.yaml.j2"),
            Blueprint::ReferenceGrant => include_str!("../../blueprints/referencegrant.yaml.j2"),
            Blueprint::BackendTlsPolicy => include_str!("../../blueprints/backendtlspolicy.yaml.j2"),
            Blueprint::ServicePatch => include_str!("../../blueprints/service-patch.yaml.j2"),
            Blueprint::FluxKustomization => include_str!("../../blueprints/flux-kustomization.yaml.j2"),
            Blueprint::FluxGitRepository => include_str!("../../blueprints/flux-gitrepository.yaml.j2"),
            Blueprint::ArgoApplication => include_str!("../../blueprints/argocd-application.yaml.j2"),
            Blueprint::ArgoApplicationSet => include_str!("../../blueprints/argocd-applicationset.yaml.j2"),
        }
    }
}
