//! OpenShift's service CA (github.com/openshift/service-ca-operator): a Service annotated
//! `service.beta.openshift.io/serving-cert-secret-name: <secret>` gets a certificate for
//! its own name in that Secret, signed by the service CA; an object annotated
//! `service.beta.openshift.io/inject-cabundle: "true"` gets the service CA as its caBundle.
//!
//! What the operator does, as read in openshift/service-ca-operator at 6391e070 (2026-06):
//!
//! - pkg/controller/api/api.go: the annotation names. The serving-cert annotation has a
//!   beta and an older alpha key; the injection annotation too, but
//! - pkg/controller/cabundleinjector/admissionwebhook.go and crd.go watch only the beta key
//!   (commit 3779a9cf, "Update new bundle injection targets to only support beta
//!   annotation"), apiservice.go and configmap.go both keys; starter.go's
//!   `annotationsChecker` takes a value equal to "true" ignoring case (`strings.EqualFold`),
//!   nothing else. A webhook configuration gets the bundle in every webhook's clientConfig
//!   (since c5f22277, 2023: only the first one before); a CRD only when
//!   `spec.conversion.strategy` is `Webhook`; an APIService in `spec.caBundle`.
//! - pkg/controller/servingcert/controller/secret_creating_controller.go: `toBaseSecret` uses
//!   the beta key when present (even empty), else the alpha one; the Secret is created in
//!   the Service's namespace, type kubernetes.io/tls, keys tls.crt and tls.key
//!   (serving_cert_issuer.go `toRequiredSecret`). `certSubjectsForService` gives the DNS
//!   names `<svc>.<ns>.svc` and `<svc>.<ns>.svc.<dnsSuffix>`, plus `*.<svc>.<ns>.svc` and
//!   `*.<svc>.<ns>.svc.<dnsSuffix>` when `spec.clusterIP` is `None` (headless);
//!   servingcert/starter/starter.go passes `cluster.local` as dnsSuffix. An existing Secret
//!   without the Service's UID annotation is not overwritten (the generation fails with
//!   `secret <ns>/<name> does not have corresponding service UID`).

use super::provisioning::{InjectTarget, Injector, Provisioner, ProvisionerKind, Provisioning};
use crate::model::{EndpointKind, Model, ObjectId, ServiceId};
use crate::resolve::MountedSecret;
use crate::resolve::{Resolution, ServiceLink};
use crate::yaml::NodeRef;

pub(crate) const SERVING_CERT_SECRET_NAME: &str =
    "service.beta.openshift.io/serving-cert-secret-name";
pub(crate) const ALPHA_SERVING_CERT_SECRET_NAME: &str =
    "service.alpha.openshift.io/serving-cert-secret-name";
pub(crate) const INJECT_CABUNDLE: &str = "service.beta.openshift.io/inject-cabundle";
pub(crate) const ALPHA_INJECT_CABUNDLE: &str = "service.alpha.openshift.io/inject-cabundle";

/// The DNS suffix the operator is started with (servingcert/starter/starter.go).
const DNS_SUFFIX: &str = "cluster.local";

/// A Service for which the service CA writes a serving certificate.
#[derive(Clone, Debug)]
pub(crate) struct ServingCert<'a> {
    pub(crate) service: ServiceId,
    pub(crate) object: ObjectId,
    pub(crate) name: &'a str,
    pub(crate) namespace: String,
    /// The annotation key in effect (beta, else alpha).
    pub(crate) key: &'static str,
    pub(crate) value_node: NodeRef<'a>,
    /// The Secret it writes, in the Service's namespace.
    pub(crate) secret: &'a str,
    pub(crate) dns_names: Vec<String>,
}

impl ServingCert<'_> {
    /// `namespace/name` of the Service.
    pub(crate) fn service_id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    pub(crate) fn writes(&self, namespace: &str, name: &str) -> bool {
        self.namespace == namespace && self.secret == name
    }
}

/// Why an inject-cabundle annotation does nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ignored {
    /// The value is not "true" (in any case).
    NotTrue,
    /// The alpha key, which the injector reads only on APIServices and ConfigMaps.
    AlphaKey,
    /// A CRD whose conversion strategy is not `Webhook`.
    NoConversionWebhook,
}

/// An inject-cabundle annotation on an object that has a caBundle to fill.
#[derive(Clone, Debug)]
pub(crate) struct Injection<'a> {
    pub(crate) object: ObjectId,
    pub(crate) key: &'static str,
    pub(crate) value_node: NodeRef<'a>,
    /// None when the injector fills the object.
    pub(crate) ignored: Option<Ignored>,
}

/// Everything the service CA will do, read from the inputs.
#[derive(Clone, Debug, Default)]
pub(crate) struct ServiceCa<'a> {
    pub(crate) serving_certs: Vec<ServingCert<'a>>,
    pub(crate) injections: Vec<Injection<'a>>,
}

impl<'a> ServiceCa<'a> {
    /// Where the inputs show they are for OpenShift: a service-CA annotation.
    pub(crate) fn openshift_evidence(&self) -> Option<crate::source::Span> {
        self.serving_certs
            .first()
            .map(|c| c.value_node.span())
            .or_else(|| self.injections.first().map(|i| i.value_node.span()))
    }

    pub(crate) fn read(model: &Model<'a>) -> ServiceCa<'a> {
        let mut found = ServiceCa::default();
        for (index, service) in model.services.iter_ids() {
            let object = &model.objects[service.object];
            let Some(annotations) = object.annotations() else {
                continue;
            };
            // toBaseSecret: the beta key wins when present, even with an empty value.
            let (key, value_node) = match annotations.get(SERVING_CERT_SECRET_NAME) {
                Some(node) => (SERVING_CERT_SECRET_NAME, node),
                None => match annotations.get(ALPHA_SERVING_CERT_SECRET_NAME) {
                    Some(node) => (ALPHA_SERVING_CERT_SECRET_NAME, node),
                    None => continue,
                },
            };
            let Some(secret) = value_node.as_str().filter(|s| !s.is_empty()) else {
                continue;
            };
            let host = format!("{}.{}.svc", object.name, object.namespace);
            let mut dns_names = vec![host.clone(), format!("{host}.{DNS_SUFFIX}")];
            if service.is_headless() {
                dns_names.push(format!("*.{host}"));
                dns_names.push(format!("*.{host}.{DNS_SUFFIX}"));
            }
            found.serving_certs.push(ServingCert {
                service: index,
                object: service.object,
                name: object.name,
                namespace: object.namespace.to_string(),
                key,
                value_node,
                secret,
                dns_names,
            });
        }
        for (id, object) in model.objects.iter_ids() {
            // The injector fills the caBundle of every kind holding endpoints (a ConfigMap
            // gets `service-ca.crt`, which no endpoint reads).
            let Some(endpoint_kind) = EndpointKind::from_kind(object.kind) else {
                continue;
            };
            let Some(annotations) = object.annotations() else {
                continue;
            };
            for (key_node, value_node) in annotations.entries() {
                let key = match key_node.as_str() {
                    Some(INJECT_CABUNDLE) => INJECT_CABUNDLE,
                    Some(ALPHA_INJECT_CABUNDLE) => ALPHA_INJECT_CABUNDLE,
                    _ => continue,
                };
                let is_true = value_node
                    .scalar_text()
                    .is_some_and(|v| v.eq_ignore_ascii_case("true"));
                let ignored =
                    if key == ALPHA_INJECT_CABUNDLE && endpoint_kind != EndpointKind::ApiService {
                        Some(Ignored::AlphaKey)
                    } else if !is_true {
                        Some(Ignored::NotTrue)
                    } else if endpoint_kind == EndpointKind::CrdConversion
                        && object
                            .node()
                            .path(&["spec", "conversion", "strategy"])
                            .and_then(|n| n.as_str())
                            != Some("Webhook")
                    {
                        Some(Ignored::NoConversionWebhook)
                    } else {
                        None
                    };
                found.injections.push(Injection {
                    object: id,
                    key,
                    value_node,
                    ignored,
                });
            }
        }
        found
    }

    /// The serving certificate written into Secret `namespace/name`, if any.
    pub(crate) fn for_secret(&self, namespace: &str, name: &str) -> Option<&ServingCert<'a>> {
        self.serving_certs
            .iter()
            .find(|c| c.writes(namespace, name))
    }

    /// The serving certificate of the Service `namespace/name`, if it asks for one.
    pub(crate) fn for_service(&self, namespace: &str, name: &str) -> Option<&ServingCert<'a>> {
        self.serving_certs
            .iter()
            .find(|c| c.namespace == namespace && c.name == name)
    }

    /// Whether the injector fills the caBundle of the object.
    pub(crate) fn injects(&self, object: ObjectId) -> bool {
        self.injections
            .iter()
            .any(|i| i.object == object && i.ignored.is_none())
    }
}

/// How an endpoint's Service and pods are tied to the service CA.
#[derive(Clone, Debug)]
pub(crate) struct EndpointLinks<'c, 'a> {
    /// The Service the endpoint calls, when it asks the service CA for a certificate.
    pub(crate) called: Option<&'c ServingCert<'a>>,
    /// The Secrets the pods behind it serve from (mounted, or named in a flag).
    pub(crate) mounted: Vec<MountedSecret<'a>>,
    /// Those the service CA writes: (index into `mounted`, the certificate written there).
    pub(crate) serving: Vec<(usize, &'c ServingCert<'a>)>,
}

impl<'a> ServiceCa<'a> {
    /// What the endpoint of `resolution` has to do with the service CA; None when it does
    /// not call a Service among the inputs.
    /// `mounted`: the Secrets its serving pods use (`Provenance::mounted`).
    pub(crate) fn links<'c>(
        &'c self,
        model: &Model<'a>,
        resolution: &Resolution,
        mounted: &[crate::resolve::MountedSecret<'a>],
    ) -> Option<EndpointLinks<'c, 'a>> {
        let ServiceLink::Found { service, .. } = resolution.service else {
            return None;
        };
        let object = &model.objects[model.services[service].object];
        let called = self.for_service(object.namespace, object.name);
        let mounted = mounted.to_vec();
        let serving = mounted
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some((i, self.for_secret(&m.namespace, m.name)?)))
            .collect();
        Some(EndpointLinks {
            called,
            mounted,
            serving,
        })
    }
}

pub(crate) fn discover(service_ca: &ServiceCa<'_>, found: &mut Provisioning) {
    for cert in &service_ca.serving_certs {
        found.provisioners.push(Provisioner {
            kind: ProvisionerKind::ServiceCa,
            description: format!("the OpenShift service CA (Service {})", cert.service_id()),
            span: cert.value_node.span(),
            object: cert.object,
            secret: Some((cert.namespace.clone(), cert.secret.to_string())),
            dns_names: cert.dns_names.clone(),
            ip_addresses: Vec::new(),
            names_known: true,
            // It regenerates a Secret whose names differ from the Service's
            // (secretRequiresCertGeneration: certContainsExpectedSubjects).
            reuses_without_check: false,
            pod_templates: Vec::new(),
        });
    }
    for injection in &service_ca.injections {
        if injection.ignored.is_some() {
            continue;
        }
        found.injectors.push(Injector {
            kind: ProvisionerKind::ServiceCa,
            description: format!(
                "the OpenShift service CA injector ({}: \"true\")",
                injection.key
            ),
            span: injection.value_node.span(),
            object: injection.object,
            target: InjectTarget::Object(injection.object),
            evidence: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;
    use crate::yaml::documents_for_test as documents;

    const SETUP: &str = r#"
apiVersion: v1
kind: Service
metadata:
  name: svc
  namespace: ns
  annotations: {service.beta.openshift.io/serving-cert-secret-name: svc-tls}
spec: {selector: {app: a}, ports: [{port: 443}]}
---
apiVersion: v1
kind: Service
metadata:
  name: headless
  namespace: ns
  annotations: {service.alpha.openshift.io/serving-cert-secret-name: headless-tls}
spec: {clusterIP: None, selector: {app: a}, ports: [{port: 443}]}
---
apiVersion: v1
kind: Service
metadata:
  name: both
  namespace: ns
  annotations:
    service.beta.openshift.io/serving-cert-secret-name: ""
    service.alpha.openshift.io/serving-cert-secret-name: alpha-tls
spec: {selector: {app: a}, ports: [{port: 443}]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: v, annotations: {service.beta.openshift.io/inject-cabundle: "TRUE"}}
webhooks: []
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: m, annotations: {service.alpha.openshift.io/inject-cabundle: "true"}}
webhooks: []
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.x, annotations: {service.alpha.openshift.io/inject-cabundle: "true"}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: a.b, annotations: {service.beta.openshift.io/inject-cabundle: "yes"}}
"#;

    #[test]
    fn reads_as_the_operator_reads() {
        let docs = documents(SETUP);
        let model = Model::build(&docs, "default");
        let ca = ServiceCa::read(&model);
        assert_eq!(ca.serving_certs.len(), 2, "{:?}", ca.serving_certs);
        assert_eq!(ca.serving_certs[0].secret, "svc-tls");
        assert_eq!(
            ca.serving_certs[0].dns_names,
            ["svc.ns.svc", "svc.ns.svc.cluster.local"]
        );
        assert_eq!(ca.serving_certs[1].key, ALPHA_SERVING_CERT_SECRET_NAME);
        assert_eq!(
            ca.serving_certs[1].dns_names,
            [
                "headless.ns.svc",
                "headless.ns.svc.cluster.local",
                "*.headless.ns.svc",
                "*.headless.ns.svc.cluster.local"
            ]
        );
        let ignored: Vec<Option<Ignored>> = ca.injections.iter().map(|i| i.ignored).collect();
        assert_eq!(
            ignored,
            [None, Some(Ignored::AlphaKey), None, Some(Ignored::NotTrue)]
        );
        let mut found = Provisioning::default();
        discover(&ServiceCa::read(&model), &mut found);
        assert_eq!(found.provisioners.len(), 2);
        assert_eq!(found.injectors.len(), 2);
        assert_eq!(
            found.injectors[0].target,
            InjectTarget::Object(ObjectId::from_index(3))
        );
    }
}
