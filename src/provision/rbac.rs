//! The authorisation graph of the inputs: which pod templates may do what, and by which
//! grants, as kube-apiserver's RBAC authoriser decides it.
//!
//! Controllers that fill a caBundle or write a serving Secret at run time need RBAC for it,
//! and the rendered manifests hold that RBAC. The graph is built once per run: Roles and
//! ClusterRoles indexed by name, bindings by the user and group names their subjects match,
//! aggregated ClusterRoles linked to the ClusterRoles they select. A question ("may the pods
//! of this template create secrets in namespace x?") is then answered from the indexes.
//!
//! The oracle is Kubernetes' Go source, cited where each behaviour lives:
//!
//! - `plugin/pkg/auth/authorizer/rbac/rbac.go` (`RuleAllows`): verb, API group, resource and
//!   resource name must all match one rule.
//! - `pkg/apis/rbac/v1/evaluation_helpers.go` (`VerbMatches`, `APIGroupMatches`,
//!   `ResourceMatches`, `ResourceNameMatches`): `*`, `resource/subresource`, `*/subresource`;
//!   a rule with `resourceNames` matches only a request naming one of them.
//! - `pkg/registry/rbac/validation/rule.go` (`VisitRulesFor`, `appliesToUser`,
//!   `GetRoleReferenceRules`): ClusterRoleBindings apply in every namespace and to
//!   cluster-scoped requests; RoleBindings only to requests in their own namespace, and only
//!   when the request has one; a ServiceAccount subject's namespace defaults to the
//!   RoleBinding's, and one without a namespace in a ClusterRoleBinding matches nobody;
//!   `roleRef.kind` Role is looked up in the binding's namespace (so a ClusterRoleBinding to
//!   a Role grants nothing), ClusterRole by name.
//! - `staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go` (`MakeUsername`,
//!   `MakeGroupNames`) and `.../authentication/group/authenticated_group_adder.go`: a pod's
//!   token authenticates as `system:serviceaccount:<ns>:<name>` in the groups
//!   `system:serviceaccounts`, `system:serviceaccounts:<ns>` and `system:authenticated`.
//! - `staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go`: a `create` (POST to
//!   the collection) carries no name, so a rule with `resourceNames` never allows it (unless
//!   it lists the empty name). `.../endpoints/handlers/patch.go` (`withAuthorization`): a
//!   server-side apply that creates the object is authorised as `create` *with* the name,
//!   which a rule with `resourceNames` can allow ([`Authorization::may_create`]).
//! - `pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go`: a
//!   ClusterRole with an `aggregationRule` has its rules replaced by the union of the rules
//!   of the ClusterRoles its selectors pick (itself excluded); the selectors are
//!   `metav1.LabelSelectorAsSelector` (`staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go`):
//!   an empty selector picks every ClusterRole.
//! - `pkg/apis/rbac/validation/validation.go` (`ValidatePolicyRule`, `ValidateClusterRole`):
//!   a rendered object the API server refuses never exists, so it grants nothing. An object
//!   read from the cluster (`live`) exists as it is.

use crate::model::{Model, ObjectId, PodTemplateId};
use crate::source::Span;
use crate::yaml::NodeRef;
use foldhash::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// A request as the authoriser sees it (`authorizer.Attributes` of a resource request).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Request<'r> {
    pub(crate) verb: &'r str,
    /// The API group, `""` for the core group.
    pub(crate) group: &'r str,
    /// The resource, or `resource/subresource`.
    pub(crate) resource: &'r str,
    /// None for a cluster-scoped request.
    pub(crate) namespace: Option<&'r str>,
    /// None when the request names no object (`create`, `list`).
    pub(crate) name: Option<&'r str>,
}

/// One way a request is allowed, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Grant {
    /// The Role or ClusterRole the binding refers to.
    pub(crate) role: ObjectId,
    /// The RoleBinding or ClusterRoleBinding.
    pub(crate) binding: ObjectId,
    /// The rule that allows it (a `rules` item).
    pub(crate) rule: Span,
    /// `resourceNames` of the rule named the object (false: the rule has none).
    pub(crate) names_object: bool,
    /// For an aggregated ClusterRole, the ClusterRole the rule comes from.
    pub(crate) aggregated_from: Option<ObjectId>,
    /// The subject of the binding that applies, as `ServiceAccount ns/name`, `Group g`, `User u`.
    pub(crate) subject: String,
    /// The subject's node in the binding.
    pub(crate) subject_span: Span,
}

/// Grants kept per template by [`Authorization::templates_allowed`]; the evidence of a
/// finding needs a few, and every binding granting every template must not cost their product.
pub(crate) const MAX_GRANTS_PER_TEMPLATE: usize = 8;
/// Rules kept as evidence per role and request.
const MAX_EVIDENCE_PER_ROLE: usize = 4;
/// Label-selector checks the aggregation may make in all; past it the graph is incomplete.
const AGGREGATION_BUDGET: usize = 4_000_000;

const SERVICE_ACCOUNT_USER_PREFIX: &str = "system:serviceaccount:";
const ALL_SERVICE_ACCOUNTS: &str = "system:serviceaccounts";
const SERVICE_ACCOUNT_GROUP_PREFIX: &str = "system:serviceaccounts:";
const ALL_AUTHENTICATED: &str = "system:authenticated";
const BUILTIN_CLUSTER_ADMIN: &str = "cluster-admin";

#[derive(Debug)]
struct PolicyRule<'a> {
    node: NodeRef<'a>,
    /// verbs, apiGroups, resources and resourceNames, one after another: a large run
    /// holds tens of thousands of rules, and four lists each cost four allocations.
    strings: Box<[&'a str]>,
    /// Where apiGroups, resources and resourceNames start in `strings`.
    starts: [u32; 3],
}

impl<'a> PolicyRule<'a> {
    fn new(node: NodeRef<'a>, lists: [Vec<&'a str>; 4]) -> Option<Self> {
        let mut starts = [0u32; 3];
        let mut length = 0usize;
        for (start, list) in starts.iter_mut().zip(&lists) {
            length += list.len();
            *start = u32::try_from(length).ok()?;
        }
        Some(PolicyRule {
            node,
            strings: lists.concat().into_boxed_slice(),
            starts,
        })
    }

    fn list(&self, index: usize) -> &[&'a str] {
        let start = index.checked_sub(1).map_or(0, |i| self.starts[i] as usize);
        let end = self
            .starts
            .get(index)
            .map_or(self.strings.len(), |&e| e as usize);
        self.strings.get(start..end).unwrap_or(&[])
    }

    fn verbs(&self) -> &[&'a str] {
        self.list(0)
    }

    fn groups(&self) -> &[&'a str] {
        self.list(1)
    }

    fn resources(&self) -> &[&'a str] {
        self.list(2)
    }

    fn names(&self) -> &[&'a str] {
        self.list(3)
    }

    /// `RuleAllows` for a resource request, and whether `resourceNames` named the object.
    fn allows(&self, request: &Request<'_>) -> Option<bool> {
        let (_, subresource) = split_resource(request.resource);
        let verb = self.verbs().iter().any(|v| *v == "*" || *v == request.verb);
        let group = self
            .groups()
            .iter()
            .any(|g| *g == "*" || *g == request.group);
        let resource_matches = self.resources().iter().any(|r| {
            *r == "*"
                || *r == request.resource
                || (!subresource.is_empty()
                    && r.len() == subresource.len() + 2
                    && r.starts_with("*/")
                    && r.ends_with(subresource))
        });
        let name = request.name.unwrap_or("");
        let names = self.names();
        let name_matches = names.is_empty() || names.contains(&name);
        (verb && group && resource_matches && name_matches).then_some(!names.is_empty())
    }
}

/// `resource/subresource` split as the request info carries it.
fn split_resource(combined: &str) -> (&str, &str) {
    combined.split_once('/').unwrap_or((combined, ""))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement<'a> {
    /// matchLabels entries are `Equals`, which matches as `In` with one value.
    In(&'a str, Vec<&'a str>),
    NotIn(&'a str, Vec<&'a str>),
    Exists(&'a str),
    DoesNotExist(&'a str),
}

impl Requirement<'_> {
    fn matches(&self, labels: &[(&str, &str)]) -> bool {
        let value = |key: &str| {
            labels
                .iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| *v)
        };
        match self {
            Requirement::In(key, values) => value(key).is_some_and(|v| values.contains(&v)),
            Requirement::NotIn(key, values) => value(key).is_none_or(|v| !values.contains(&v)),
            Requirement::Exists(key) => value(key).is_some(),
            Requirement::DoesNotExist(key) => value(key).is_none(),
        }
    }
}

/// A label selector; no requirement selects everything.
type Selector<'a> = Vec<Requirement<'a>>;

#[derive(Debug)]
struct Role<'a> {
    object: ObjectId,
    cluster: bool,
    /// Rules that count: a rendered aggregated ClusterRole's own rules are replaced.
    rules: Vec<PolicyRule<'a>>,
    /// Selectors of an aggregated ClusterRole.
    aggregation: Option<Vec<Selector<'a>>>,
    labels: Vec<(&'a str, &'a str)>,
}

#[derive(Debug)]
struct Subject<'a> {
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
    node: NodeRef<'a>,
}

#[derive(Debug)]
struct Binding<'a> {
    object: ObjectId,
    /// None for a ClusterRoleBinding.
    namespace: Option<String>,
    /// Index into `roles`, when the role it refers to is among the inputs.
    role: Option<usize>,
    subjects: Vec<Subject<'a>>,
}

/// Who a subject stands for, as far as pod templates are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Audience<'k> {
    /// A user name (ServiceAccount subjects are compared as `system:serviceaccount:ns:name`).
    User(&'k str),
    /// Every ServiceAccount (`system:serviceaccounts`, `system:authenticated`).
    AllServiceAccounts,
    /// The ServiceAccounts of a namespace (`system:serviceaccounts:<ns>`).
    Namespace(&'k str),
}

/// What a role allows for one request: its rules that match, with where they come from.
#[derive(Clone, Debug)]
struct Evidence {
    rule: Span,
    names_object: bool,
    /// The ClusterRole holding the rule, when the role aggregates it.
    source: Option<ObjectId>,
}

type RoleGrants = HashMap<usize, Vec<Evidence>>;

/// A request without its namespace and name: verb, group, resource.
type RequestKey = (String, String, String);

/// What allows a request whatever object it names: computed once per verb, group and resource.
#[derive(Debug, Default)]
struct Base {
    roles: RoleGrants,
    /// ClusterRoleBindings to those roles, ascending.
    cluster_bindings: Vec<usize>,
}

/// The roles allowing one request: the name-independent [`Base`], and the roles whose
/// `resourceNames` name the object (few, looked up by name).
struct Grants {
    base: Arc<Base>,
    extra: RoleGrants,
}

impl Grants {
    fn is_empty(&self) -> bool {
        self.base.roles.is_empty() && self.extra.is_empty()
    }

    fn contains(&self, role: usize) -> bool {
        self.extra.contains_key(&role) || self.base.roles.contains_key(&role)
    }

    fn evidence(&self, role: usize) -> Vec<Evidence> {
        let mut all: Vec<Evidence> = self
            .base
            .roles
            .get(&role)
            .into_iter()
            .chain(self.extra.get(&role))
            .flatten()
            .cloned()
            .collect();
        all.truncate(MAX_EVIDENCE_PER_ROLE);
        all
    }
}

/// The authorisation graph of one run.
#[derive(Debug, Default)]
pub(crate) struct Authorization<'a> {
    roles: Vec<Role<'a>>,
    bindings: Vec<Binding<'a>>,
    /// Aggregated ClusterRole → the ClusterRoles it selects, and the reverse.
    selects: HashMap<usize, Vec<usize>>,
    selected_by: HashMap<usize, Vec<usize>>,
    /// Bindings by the user name or group their subjects match: (binding, subject index).
    by_user: HashMap<String, Vec<(usize, usize)>>,
    by_group: HashMap<&'a str, Vec<(usize, usize)>>,
    cluster_bindings: Vec<usize>,
    bindings_in: HashMap<String, Vec<usize>>,
    /// Rules without `resourceNames` by the resource string they list: (role, rule index).
    rules_by_resource: HashMap<&'a str, Vec<(usize, usize)>>,
    /// Rules with `resourceNames` by (resource, name); one resource each, as validation
    /// requires of rendered objects.
    named_rules: HashMap<(&'a str, &'a str), Vec<(usize, usize)>>,
    /// Named rules of live objects listing several resources: checked on every request.
    irregular_rules: Vec<(usize, usize)>,
    /// Bindings by the role they refer to.
    bindings_of_role: HashMap<usize, Vec<usize>>,
    /// Pod templates by the user name their pods authenticate as.
    templates_by_user: HashMap<String, Vec<PodTemplateId>>,
    incomplete: bool,
    /// Name-independent grants by request, computed once each.
    memo: Mutex<HashMap<RequestKey, Arc<Base>>>,
}

fn service_account_user(namespace: &str, name: &str) -> String {
    format!("{SERVICE_ACCOUNT_USER_PREFIX}{namespace}:{name}")
}

/// The strings of a list field; None when an item is not a string (the API server cannot
/// decode the object). Absent and null are empty.
fn strings<'a>(node: Option<NodeRef<'a>>) -> Option<Vec<&'a str>> {
    match node {
        None => Some(Vec::new()),
        Some(n) if n.is_null() => Some(Vec::new()),
        Some(n) if n.is_seq() => n.items().map(|i| i.as_str()).collect(),
        Some(_) => None,
    }
}

/// `validatePolicyRule`: None when the API server refuses the rule.
fn read_rule<'a>(node: NodeRef<'a>, namespaced: bool) -> Option<PolicyRule<'a>> {
    if !node.is_map() {
        return None;
    }
    let verbs = strings(node.get("verbs"))?;
    let groups = strings(node.get("apiGroups"))?;
    let resources = strings(node.get("resources"))?;
    let names = strings(node.get("resourceNames"))?;
    let urls = strings(node.get("nonResourceURLs"))?;
    if verbs.is_empty() {
        return None;
    }
    if !urls.is_empty() {
        if namespaced || !groups.is_empty() || !resources.is_empty() || !names.is_empty() {
            return None;
        }
    } else if groups.is_empty()
        || resources.is_empty()
        || (!names.is_empty() && resources.len() > 1)
    {
        return None;
    }
    PolicyRule::new(node, [verbs, groups, resources, names])
}

/// A label name (`[prefix/]name`) as `validation.IsQualifiedName` accepts it.
fn is_qualified_name(text: &str) -> bool {
    let (prefix, name) = match text.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, text),
    };
    !name.is_empty()
        && is_label_value(name)
        && prefix.is_none_or(|p| !p.is_empty() && crate::names::is_dns_subdomain(p))
}

/// A label value as `validation.IsValidLabelValue` accepts it (empty included).
fn is_label_value(text: &str) -> bool {
    text.is_empty()
        || (text.len() <= 63
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && text.starts_with(|c: char| c.is_ascii_alphanumeric())
            && text.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

/// `LabelSelectorAsSelector`; None when it errs (the API server refuses the ClusterRole).
fn read_selector(node: NodeRef<'_>) -> Option<Selector<'_>> {
    if node.is_null() {
        return Some(Vec::new());
    }
    if !node.is_map() {
        return None;
    }
    let mut requirements = Vec::new();
    if let Some(labels) = node.get("matchLabels").filter(|n| !n.is_null()) {
        if !labels.is_map() {
            return None;
        }
        for (key, value) in labels.entries() {
            let (key, value) = (key.as_str()?, value.as_str()?);
            if !is_qualified_name(key) || !is_label_value(value) {
                return None;
            }
            requirements.push(Requirement::In(key, vec![value]));
        }
    }
    if let Some(expressions) = node.get("matchExpressions").filter(|n| !n.is_null()) {
        if !expressions.is_seq() {
            return None;
        }
        for expression in expressions.items() {
            let key = expression.get("key")?.as_str()?;
            let values = strings(expression.get("values"))?;
            if !is_qualified_name(key) || !values.iter().all(|v| is_label_value(v)) {
                return None;
            }
            let operator = expression.get("operator").and_then(|n| n.as_str());
            requirements.push(match (operator, values.is_empty()) {
                (Some("In"), false) => Requirement::In(key, values),
                (Some("NotIn"), false) => Requirement::NotIn(key, values),
                (Some("Exists"), true) => Requirement::Exists(key),
                (Some("DoesNotExist"), true) => Requirement::DoesNotExist(key),
                _ => return None,
            });
        }
    }
    Some(requirements)
}

fn string_map(node: Option<NodeRef<'_>>) -> Vec<(&str, &str)> {
    node.into_iter()
        .flat_map(|n| n.entries())
        .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
        .collect()
}

/// A Role or ClusterRole as it will exist in the cluster; None when it will not.
fn read_role<'a>(
    object: ObjectId,
    node: NodeRef<'a>,
    cluster: bool,
    live: bool,
) -> Option<Role<'a>> {
    let mut rules = Vec::new();
    for item in node.get("rules").into_iter().flat_map(|n| n.items()) {
        match read_rule(item, !cluster) {
            Some(rule) => rules.push(rule),
            // A live object exists; its rule just cannot match (no verb, no group...).
            None if live => {}
            None => return None,
        }
    }
    let aggregation = match node.get("aggregationRule").filter(|n| !n.is_null()) {
        Some(rule) if cluster => {
            let selectors: Option<Vec<Selector<'a>>> = rule
                .get("clusterRoleSelectors")
                .into_iter()
                .flat_map(|n| n.items())
                .map(read_selector)
                .collect();
            match selectors {
                Some(selectors) if !selectors.is_empty() => Some(selectors),
                // "at least one clusterRoleSelector required", or an invalid selector.
                _ if live => None,
                _ => return None,
            }
        }
        _ => None,
    };
    // The controller replaces the rules of an aggregated ClusterRole; a live one already
    // holds what it wrote, which still counts.
    if aggregation.is_some() && !live {
        rules.clear();
    }
    Some(Role {
        object,
        cluster,
        rules,
        aggregation,
        labels: string_map(node.path(&["metadata", "labels"])),
    })
}

/// A ClusterRole every cluster has, when the inputs do not hold it, standing in the
/// binding that names it (its roleRef is the evidence). Only `cluster-admin`: every verb on
/// every resource (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go,
/// `NewRule("*").Groups("*").Resources("*")`).
fn builtin_cluster_role<'a>(
    binding: ObjectId,
    name: &str,
    role_ref: NodeRef<'a>,
) -> Option<Role<'a>> {
    if name != BUILTIN_CLUSTER_ADMIN {
        return None;
    }
    let every = || vec!["*"];
    Some(Role {
        object: binding,
        cluster: true,
        rules: vec![PolicyRule::new(
            role_ref,
            [every(), every(), every(), Vec::new()],
        )?],
        aggregation: None,
        labels: Vec::new(),
    })
}

fn read_subjects(node: NodeRef<'_>) -> Vec<Subject<'_>> {
    node.get("subjects")
        .into_iter()
        .flat_map(|n| n.items())
        .filter_map(|subject| {
            Some(Subject {
                kind: subject.get("kind")?.as_str()?,
                name: subject.get("name")?.as_str()?,
                namespace: subject
                    .get("namespace")
                    .and_then(|n| n.as_str())
                    .filter(|ns| !ns.is_empty()),
                node: subject,
            })
        })
        .collect()
}

impl<'a> Authorization<'a> {
    pub(crate) fn build(model: &Model<'a>) -> Self {
        // Roles and bindings by identity: a rendered object replaces a live one (it is what
        // will be applied); otherwise the later one wins, as `kubectl apply` leaves it.
        let mut identities: HashMap<(&'a str, &str, &'a str), ObjectId> = HashMap::default();
        for (id, object) in model.objects.iter_ids() {
            if object.group() != "rbac.authorization.k8s.io"
                || !matches!(
                    object.kind,
                    "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
                )
            {
                continue;
            }
            let key = (object.kind, object.namespace, object.name);
            match identities.get(&key) {
                Some(&old) if !model.objects[old].live && object.live => {}
                _ => {
                    identities.insert(key, id);
                }
            }
        }
        let mut chosen: Vec<ObjectId> = identities.into_values().collect();
        chosen.sort_unstable();

        let mut roles: Vec<Role<'a>> = Vec::new();
        let mut roles_by_name: HashMap<(&str, &'a str), usize> = HashMap::default();
        let mut cluster_roles_by_name: HashMap<&'a str, usize> = HashMap::default();
        for &id in &chosen {
            let object = &model.objects[id];
            let cluster = match object.kind {
                "Role" => false,
                "ClusterRole" => true,
                _ => continue,
            };
            if let Some(role) = read_role(id, object.node(), cluster, object.live) {
                let index = roles.len();
                if cluster {
                    cluster_roles_by_name.insert(object.name, index);
                } else {
                    roles_by_name.insert((object.namespace, object.name), index);
                }
                roles.push(role);
            }
        }

        let mut authorization = Authorization {
            roles,
            bindings: Vec::new(),
            selects: HashMap::default(),
            selected_by: HashMap::default(),
            by_user: HashMap::default(),
            by_group: HashMap::default(),
            cluster_bindings: Vec::new(),
            bindings_in: HashMap::default(),
            rules_by_resource: HashMap::default(),
            named_rules: HashMap::default(),
            irregular_rules: Vec::new(),
            bindings_of_role: HashMap::default(),
            templates_by_user: HashMap::default(),
            incomplete: false,
            memo: Mutex::new(HashMap::default()),
        };

        for &id in &chosen {
            let object = &model.objects[id];
            let cluster = match object.kind {
                "RoleBinding" => false,
                "ClusterRoleBinding" => true,
                _ => continue,
            };
            let role_ref = object.node().get("roleRef");
            let text = |key: &str| role_ref.and_then(|r| r.get(key)).and_then(|n| n.as_str());
            let namespace = (!cluster).then_some(object.namespace);
            let role = match (text("kind"), text("name"), namespace) {
                (Some("ClusterRole"), Some(name), _) => {
                    cluster_roles_by_name.get(name).copied().or_else(|| {
                        let role = builtin_cluster_role(id, name, role_ref?)?;
                        authorization.roles.push(role);
                        Some(authorization.roles.len() - 1)
                    })
                }
                // GetRole(bindingNamespace, name): a ClusterRoleBinding has none, so nothing.
                (Some("Role"), Some(name), Some(ns)) => roles_by_name.get(&(ns, name)).copied(),
                _ => None,
            };
            let index = authorization.bindings.len();
            let subjects = read_subjects(object.node());
            for (s, subject) in subjects.iter().enumerate() {
                match subject.kind {
                    "ServiceAccount" => {
                        // appliesToUser: the namespace defaults to the RoleBinding's; empty
                        // (a ClusterRoleBinding's subject without one) matches nobody.
                        let Some(sa_namespace) = subject.namespace.or(namespace) else {
                            continue;
                        };
                        authorization
                            .by_user
                            .entry(service_account_user(sa_namespace, subject.name))
                            .or_default()
                            .push((index, s));
                    }
                    "User" => authorization
                        .by_user
                        .entry(subject.name.to_string())
                        .or_default()
                        .push((index, s)),
                    "Group" => authorization
                        .by_group
                        .entry(subject.name)
                        .or_default()
                        .push((index, s)),
                    _ => {}
                }
            }
            match namespace {
                None => authorization.cluster_bindings.push(index),
                Some(ns) => authorization
                    .bindings_in
                    .entry(ns.to_string())
                    .or_default()
                    .push(index),
            }
            authorization.bindings.push(Binding {
                object: id,
                namespace: namespace.map(str::to_string),
                role,
                subjects,
            });
        }

        for (r, role) in authorization.roles.iter().enumerate() {
            for (i, rule) in role.rules.iter().enumerate() {
                let mut resources = rule.resources().to_vec();
                resources.sort_unstable();
                resources.dedup();
                if rule.names().is_empty() {
                    for resource in resources {
                        authorization
                            .rules_by_resource
                            .entry(resource)
                            .or_default()
                            .push((r, i));
                    }
                } else if let [resource] = resources[..] {
                    let mut names = rule.names().to_vec();
                    names.sort_unstable();
                    names.dedup();
                    for name in names {
                        authorization
                            .named_rules
                            .entry((resource, name))
                            .or_default()
                            .push((r, i));
                    }
                } else {
                    authorization.irregular_rules.push((r, i));
                }
            }
        }
        for (b, binding) in authorization.bindings.iter().enumerate() {
            if let Some(role) = binding.role {
                authorization
                    .bindings_of_role
                    .entry(role)
                    .or_default()
                    .push(b);
            }
        }

        authorization.link_aggregation();

        for (t, template) in model.pod_templates.iter_ids() {
            let namespace = &model.objects[template.object].namespace;
            authorization
                .templates_by_user
                .entry(service_account_user(
                    namespace,
                    template.service_account_name(),
                ))
                .or_default()
                .push(t);
        }
        authorization
    }

    /// Links each aggregated ClusterRole to the ClusterRoles its selectors pick, narrowing
    /// the candidates by a label index.
    fn link_aggregation(&mut self) {
        let cluster_roles: Vec<usize> = (0..self.roles.len())
            .filter(|&r| self.roles[r].cluster)
            .collect();
        let mut by_label: HashMap<(&str, &str), Vec<usize>> = HashMap::default();
        let mut by_key: HashMap<&str, Vec<usize>> = HashMap::default();
        for &r in &cluster_roles {
            let mut labels = self.roles[r].labels.clone();
            labels.sort_unstable();
            labels.dedup();
            for (key, value) in labels {
                by_label.entry((key, value)).or_default().push(r);
                if by_key.get(key).and_then(|v| v.last()) != Some(&r) {
                    by_key.entry(key).or_default().push(r);
                }
            }
        }
        let mut budget = AGGREGATION_BUDGET;
        for &a in &cluster_roles {
            let Some(selectors) = &self.roles[a].aggregation else {
                continue;
            };
            let mut picked: Vec<usize> = Vec::new();
            for selector in selectors {
                // The requirement with the fewest candidates; none narrows to every ClusterRole.
                let mut candidates: Option<Vec<usize>> = None;
                for requirement in selector {
                    let narrowed: Vec<usize> = match requirement {
                        Requirement::In(key, values) => {
                            let mut all: Vec<usize> = values
                                .iter()
                                .flat_map(|v| by_label.get(&(*key, *v)).into_iter().flatten())
                                .copied()
                                .collect();
                            all.sort_unstable();
                            all.dedup();
                            all
                        }
                        Requirement::Exists(key) => by_key.get(key).cloned().unwrap_or_default(),
                        _ => continue,
                    };
                    if candidates.as_ref().is_none_or(|c| narrowed.len() < c.len()) {
                        candidates = Some(narrowed);
                    }
                }
                let candidates = candidates.unwrap_or_else(|| cluster_roles.clone());
                if candidates.len() > budget {
                    self.incomplete = true;
                    return;
                }
                budget -= candidates.len();
                picked.extend(candidates.into_iter().filter(|&r| {
                    r != a
                        && selector
                            .iter()
                            .all(|requirement| requirement.matches(&self.roles[r].labels))
                }));
            }
            picked.sort_unstable();
            picked.dedup();
            for &r in &picked {
                self.selected_by.entry(r).or_default().push(a);
            }
            self.selects.insert(a, picked);
        }
    }

    /// False when the inputs were too large to link every aggregated ClusterRole: an answer
    /// of "not allowed" may then be wrong.
    pub(crate) fn is_complete(&self) -> bool {
        !self.incomplete
    }

    /// The roles allowing a request, with their evidence, whatever the namespace.
    fn role_grants(&self, request: &Request<'_>) -> Grants {
        let base = self.base_grants(request);
        // Rules naming the object: a request without a name compares the empty name.
        let name = request.name.unwrap_or("");
        let mut extra: RoleGrants = HashMap::default();
        let mut candidates: Vec<(usize, usize)> = self.irregular_rules.clone();
        for bucket in self.buckets(request.resource) {
            if let Some(found) = self.named_rules.get(&(bucket.as_ref(), name)) {
                candidates.extend(found);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        for (r, i) in candidates {
            self.add_if_allowed(&mut extra, r, i, request);
        }
        let skip = |role: usize| base.roles.contains_key(&role);
        self.propagate(&mut extra, &skip);
        Grants { base, extra }
    }

    /// The resource strings a rule may list to match `resource`: itself, `*`, `*/sub`.
    fn buckets<'r>(&self, resource: &'r str) -> Vec<std::borrow::Cow<'r, str>> {
        let (_, subresource) = split_resource(resource);
        let mut buckets = vec![resource.into(), "*".into()];
        if !subresource.is_empty() {
            buckets.push(format!("*/{subresource}").into());
        }
        buckets
    }

    fn add_if_allowed(&self, grants: &mut RoleGrants, r: usize, i: usize, request: &Request<'_>) {
        let rule = &self.roles[r].rules[i];
        if let Some(names_object) = rule.allows(request) {
            let evidence = grants.entry(r).or_default();
            if evidence.len() < MAX_EVIDENCE_PER_ROLE {
                evidence.push(Evidence {
                    rule: rule.node.span(),
                    names_object,
                    source: None,
                });
            }
        }
    }

    /// Aggregated ClusterRoles hold the rules of every ClusterRole they select, directly or
    /// through another aggregated one: walks the selections backwards from the roles found.
    fn propagate(&self, grants: &mut RoleGrants, skip: &dyn Fn(usize) -> bool) {
        let mut queue: Vec<usize> = grants
            .keys()
            .copied()
            .filter(|&r| self.roles[r].cluster)
            .collect();
        queue.sort_unstable();
        while let Some(r) = queue.pop() {
            let from: Vec<Evidence> = grants[&r]
                .iter()
                .map(|e| Evidence {
                    source: e.source.or(Some(self.roles[r].object)),
                    ..e.clone()
                })
                .collect();
            for &a in self.selected_by.get(&r).into_iter().flatten() {
                if skip(a) {
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(entry) = grants.entry(a) {
                    entry.insert(from.clone());
                    queue.push(a);
                }
            }
        }
    }

    /// The roles allowing a request whatever its name, and their ClusterRoleBindings.
    fn base_grants(&self, request: &Request<'_>) -> Arc<Base> {
        let key = (
            request.verb.to_string(),
            request.group.to_string(),
            request.resource.to_string(),
        );
        if let Some(found) = self.memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return found;
        }
        let unnamed = Request {
            name: None,
            ..*request
        };
        let mut roles: RoleGrants = HashMap::default();
        let mut seen: HashSet<(usize, usize)> = HashSet::default();
        for bucket in self.buckets(request.resource) {
            for &(r, i) in self
                .rules_by_resource
                .get(bucket.as_ref())
                .into_iter()
                .flatten()
            {
                if seen.insert((r, i)) {
                    self.add_if_allowed(&mut roles, r, i, &unnamed);
                }
            }
        }
        self.propagate(&mut roles, &|_| false);
        let mut cluster_bindings: Vec<usize> = roles
            .keys()
            .flat_map(|r| self.bindings_of_role.get(r).into_iter().flatten())
            .copied()
            .filter(|&b| self.bindings[b].namespace.is_none())
            .collect();
        cluster_bindings.sort_unstable();
        cluster_bindings.dedup();
        let base = Arc::new(Base {
            roles,
            cluster_bindings,
        });
        if let Ok(mut memo) = self.memo.lock() {
            memo.insert(key, base.clone());
        }
        base
    }

    /// The grants a binding gives through its role for this request, if it applies there.
    fn binding_grants(
        &self,
        roles: &Grants,
        binding: usize,
        subject: usize,
        request: &Request<'_>,
        out: &mut Vec<Grant>,
        limit: usize,
    ) {
        let binding_entry = &self.bindings[binding];
        if binding_entry
            .namespace
            .as_deref()
            .is_some_and(|ns| Some(ns) != request.namespace)
        {
            return;
        }
        let Some(role) = binding_entry.role else {
            return;
        };
        let evidence = roles.evidence(role);
        if evidence.is_empty() {
            return;
        }
        let subject = &binding_entry.subjects[subject];
        let described = match subject.kind {
            "ServiceAccount" => format!(
                "ServiceAccount {}/{}",
                subject
                    .namespace
                    .or(binding_entry.namespace.as_deref())
                    .unwrap_or(""),
                subject.name
            ),
            kind => format!("{kind} {}", subject.name),
        };
        for e in &evidence {
            if out.len() >= limit {
                return;
            }
            out.push(Grant {
                role: self.roles[role].object,
                binding: binding_entry.object,
                rule: e.rule,
                names_object: e.names_object,
                aggregated_from: e.source,
                subject: described.clone(),
                subject_span: subject.node.span(),
            });
        }
    }

    /// Every grant allowing the pods of `template` the request.
    pub(crate) fn grants_to_template(
        &self,
        model: &Model<'a>,
        template: PodTemplateId,
        request: &Request<'_>,
    ) -> Vec<Grant> {
        let Some(pod_template) = model.pod_templates.get(template) else {
            return Vec::new();
        };
        let namespace = model.objects[pod_template.object].namespace;
        let user = service_account_user(namespace, pod_template.service_account_name());
        let namespace_group = format!("{SERVICE_ACCOUNT_GROUP_PREFIX}{namespace}");
        let groups = [
            ALL_SERVICE_ACCOUNTS,
            namespace_group.as_str(),
            ALL_AUTHENTICATED,
        ];
        // appliesTo reports the first subject of a binding that applies.
        let mut applying: Vec<(usize, usize)> = self
            .by_user
            .get(&user)
            .into_iter()
            .flatten()
            .chain(
                groups
                    .iter()
                    .flat_map(|g| self.by_group.get(g).into_iter().flatten()),
            )
            .copied()
            .collect();
        applying.sort_unstable();
        applying.dedup_by_key(|(binding, _)| *binding);
        let roles = self.role_grants(request);
        let mut grants = Vec::new();
        for (binding, subject) in applying {
            self.binding_grants(&roles, binding, subject, request, &mut grants, usize::MAX);
        }
        grants
    }

    /// Every pod template allowed the request, ascending, with up to
    /// [`MAX_GRANTS_PER_TEMPLATE`] of its grants.
    pub(crate) fn templates_allowed(
        &self,
        model: &Model<'a>,
        request: &Request<'_>,
    ) -> Vec<(PodTemplateId, Vec<Grant>)> {
        let roles = self.role_grants(request);
        if roles.is_empty() {
            return Vec::new();
        }
        // ClusterRoleBindings to the roles found, and the RoleBindings of the namespace.
        let mut relevant: Vec<usize> = roles.base.cluster_bindings.clone();
        relevant.extend(
            roles
                .extra
                .keys()
                .flat_map(|r| self.bindings_of_role.get(r).into_iter().flatten())
                .copied()
                .filter(|&b| self.bindings[b].namespace.is_none()),
        );
        relevant.extend(
            request
                .namespace
                .and_then(|ns| self.bindings_in.get(ns))
                .into_iter()
                .flatten()
                .copied()
                .filter(|&b| self.bindings[b].role.is_some_and(|r| roles.contains(r))),
        );
        relevant.sort_unstable();
        relevant.dedup();
        // Grants by audience first, each audience's list capped; then per template.
        let mut by_audience: HashMap<Audience<'_>, Vec<Grant>> = HashMap::default();
        for b in relevant {
            let binding = &self.bindings[b];
            for (s, subject) in binding.subjects.iter().enumerate() {
                // A user (ServiceAccounts compare as their user name) counts only when some
                // template authenticates as it: the key is then borrowed from that index.
                let as_user = |user: &str| {
                    self.templates_by_user
                        .get_key_value(user)
                        .map(|(key, _)| Audience::User(key.as_str()))
                };
                let audience = match (subject.kind, subject.name) {
                    ("ServiceAccount", name) => {
                        let Some(ns) = subject.namespace.or(binding.namespace.as_deref()) else {
                            continue;
                        };
                        as_user(&service_account_user(ns, name))
                    }
                    ("User", name) => as_user(name),
                    ("Group", ALL_SERVICE_ACCOUNTS | ALL_AUTHENTICATED) => {
                        Some(Audience::AllServiceAccounts)
                    }
                    ("Group", name) => name
                        .strip_prefix(SERVICE_ACCOUNT_GROUP_PREFIX)
                        .map(Audience::Namespace),
                    _ => None,
                };
                let Some(audience) = audience else {
                    continue;
                };
                let list = by_audience.entry(audience).or_default();
                if list.len() < MAX_GRANTS_PER_TEMPLATE {
                    self.binding_grants(&roles, b, s, request, list, MAX_GRANTS_PER_TEMPLATE);
                }
            }
        }
        let mut per_template: Vec<(PodTemplateId, Vec<Grant>)> = Vec::new();
        let add = |t: PodTemplateId,
                   grants: &[Grant],
                   per_template: &mut Vec<(PodTemplateId, Vec<Grant>)>| {
            if grants.is_empty() {
                return;
            }
            per_template.push((t, grants.to_vec()));
        };
        for (audience, grants) in &by_audience {
            match audience {
                Audience::User(user) => {
                    for &t in self.templates_by_user.get(*user).into_iter().flatten() {
                        add(t, grants, &mut per_template);
                    }
                }
                Audience::Namespace(ns) => {
                    for &t in model.pod_templates_in(ns) {
                        add(t, grants, &mut per_template);
                    }
                }
                Audience::AllServiceAccounts => {
                    for t in model.pod_templates.ids() {
                        add(t, grants, &mut per_template);
                    }
                }
            }
        }
        // One entry per template: at most three audiences reach it (its user, its
        // namespace's group, every ServiceAccount), each list capped, so this stays small.
        // Grants in binding and rule order; a binding reaching the template through two of
        // its subjects counts once, by its first subject (`appliesTo`).
        per_template.sort_by_key(|(t, _)| *t);
        let mut merged: Vec<(PodTemplateId, Vec<Grant>)> = Vec::new();
        for (t, grants) in per_template {
            match merged.last_mut() {
                Some((last, list)) if *last == t => list.extend(grants),
                _ => merged.push((t, grants)),
            }
        }
        for (_, grants) in &mut merged {
            grants.sort_by_key(|g| (g.binding, g.rule, g.subject_span));
            grants.dedup_by_key(|g| (g.binding, g.rule));
            grants.truncate(MAX_GRANTS_PER_TEMPLATE);
        }
        merged
    }

    /// May some pod template create the Secret-like object `name`: a `create` (which names
    /// no object), or a server-side apply (`patch` with the name, then `create` with it).
    pub(crate) fn may_create(
        &self,
        model: &Model<'a>,
        request: &Request<'_>,
    ) -> Vec<(PodTemplateId, Vec<Grant>)> {
        let post = Request {
            verb: "create",
            name: None,
            ..*request
        };
        let found = self.templates_allowed(model, &post);
        if !found.is_empty() {
            return found;
        }
        let Some(name) = request.name else {
            return found;
        };
        let patch = Request {
            verb: "patch",
            name: Some(name),
            ..*request
        };
        let create = Request {
            verb: "create",
            name: Some(name),
            ..*request
        };
        let creators = self.templates_allowed(model, &create);
        if creators.is_empty() {
            return creators;
        }
        let patchers: HashMap<PodTemplateId, Vec<Grant>> =
            self.templates_allowed(model, &patch).into_iter().collect();
        creators
            .into_iter()
            .filter_map(|(t, mut grants)| {
                let more = patchers.get(&t)?;
                grants.extend(more.iter().cloned());
                grants.truncate(MAX_GRANTS_PER_TEMPLATE);
                Some((t, grants))
            })
            .collect()
    }

    /// `ClusterRole y, bound to ServiceAccount ns/z by ClusterRoleBinding b, grants create on secrets`.
    pub(crate) fn describe(
        &self,
        model: &Model<'a>,
        grant: &Grant,
        request: &Request<'_>,
    ) -> String {
        let role = &model.objects[grant.role];
        let binding = &model.objects[grant.binding];
        let qualified = |object: &crate::model::Object<'_>| {
            if object.namespace.is_empty() {
                format!("{} {}", object.kind, object.name)
            } else {
                format!("{} {}/{}", object.kind, object.namespace, object.name)
            }
        };
        let resource = if request.group.is_empty() {
            request.resource.to_string()
        } else {
            format!("{}.{}", request.resource, request.group)
        };
        let named = match (grant.names_object, request.name) {
            (true, Some(name)) => format!(" [{name}]"),
            (true, None) => " [\"\"]".to_string(),
            _ => String::new(),
        };
        let scope = match request.namespace {
            Some(ns) => format!(" in namespace {ns}"),
            None => String::new(),
        };
        let via = grant
            .aggregated_from
            .map(|source| {
                format!(
                    " (aggregated from ClusterRole {})",
                    model.objects[source].name
                )
            })
            .unwrap_or_default();
        // A built-in role stands in the binding that names it.
        let role = if grant.role == grant.binding {
            format!("the built-in ClusterRole {BUILTIN_CLUSTER_ADMIN}")
        } else {
            qualified(role)
        };
        format!(
            "{role}{via}, bound to {} by {}, grants {} on {resource}{named}{scope}",
            grant.subject,
            qualified(binding),
            request.verb,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;
    use crate::yaml::documents_for_test as documents;

    const RBAC: &str = "apiVersion: rbac.authorization.k8s.io/v1\n";

    fn pod(namespace: &str, name: &str, spec_extra: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec: {{containers: [{{name: c}}]{spec_extra}}}\n---\n")
    }

    fn role(kind: &str, namespace: Option<&str>, name: &str, body: &str) -> String {
        let ns = namespace
            .map(|n| format!(", namespace: {n}"))
            .unwrap_or_default();
        format!("{RBAC}kind: {kind}\nmetadata: {{name: {name}{ns}}}\n{body}\n---\n")
    }

    fn binding(
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        role_kind: &str,
        role: &str,
        subjects: &str,
    ) -> String {
        let ns = namespace
            .map(|n| format!(", namespace: {n}"))
            .unwrap_or_default();
        format!("{RBAC}kind: {kind}\nmetadata: {{name: {name}{ns}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {role_kind}, name: {role}}}\nsubjects: {subjects}\n---\n")
    }

    const CREATE_SECRETS: &str =
        "rules: [{apiGroups: [''], resources: [secrets], verbs: [create]}]";

    fn request<'r>(
        verb: &'r str,
        resource: &'r str,
        namespace: Option<&'r str>,
        name: Option<&'r str>,
    ) -> Request<'r> {
        Request {
            verb,
            group: "",
            resource,
            namespace,
            name,
        }
    }

    /// Names of the pods allowed the request.
    fn allowed(text: &str, req: Request<'_>) -> Vec<String> {
        let docs = documents(text);
        let model = Model::build(&docs, "default");
        let authorization = Authorization::build(&model);
        authorization
            .templates_allowed(&model, &req)
            .into_iter()
            .map(|(t, grants)| {
                assert!(!grants.is_empty());
                // The per-template answer agrees with the all-templates one.
                assert!(!authorization.grants_to_template(&model, t, &req).is_empty());
                model.objects[model.pod_templates[t].object]
                    .name
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn the_built_in_cluster_admin_grants_everything_unless_the_inputs_define_it() {
        let bound = pods()
            + &binding(
                "ClusterRoleBinding",
                None,
                "admin",
                "ClusterRole",
                "cluster-admin",
                "[{kind: ServiceAccount, name: writer, namespace: a}]",
            );
        let patch = || Request {
            verb: "patch",
            group: "admissionregistration.k8s.io",
            resource: "validatingwebhookconfigurations",
            namespace: None,
            name: Some("x"),
        };
        assert_eq!(
            allowed(&bound, patch()),
            vec!["a-writer", "a-legacy", "a-empty"]
        );
        // Defined among the inputs, the role is what they say.
        let narrowed = bound + &role("ClusterRole", None, "cluster-admin", CREATE_SECRETS);
        assert_eq!(allowed(&narrowed, patch()), Vec::<String>::new());
        // Any other missing role grants nothing.
        let unknown = pods()
            + &binding(
                "ClusterRoleBinding",
                None,
                "edit",
                "ClusterRole",
                "edit",
                "[{kind: ServiceAccount, name: writer, namespace: a}]",
            );
        assert_eq!(
            allowed(&unknown, request("create", "secrets", Some("a"), None)),
            Vec::<String>::new()
        );
    }

    fn pods() -> String {
        [
            pod("a", "a-default", ""),
            pod("a", "a-writer", ", serviceAccountName: writer"),
            pod("a", "a-legacy", ", serviceAccount: writer"),
            pod(
                "a",
                "a-both",
                ", serviceAccountName: other, serviceAccount: writer",
            ),
            pod(
                "a",
                "a-empty",
                ", serviceAccountName: '', serviceAccount: writer",
            ),
            pod("b", "b-writer", ", serviceAccountName: writer"),
        ]
        .concat()
    }

    #[test]
    fn service_account_of_a_template_and_subject_namespaces() {
        let docs = documents(&pods());
        let model = Model::build(&docs, "default");
        let names: Vec<&str> = model
            .pod_templates
            .iter()
            .map(|t| t.service_account_name())
            .collect();
        assert_eq!(
            names,
            ["default", "writer", "writer", "other", "writer", "writer"]
        );

        // A RoleBinding's ServiceAccount subject without namespace is in the binding's.
        let text = pods()
            + &role("Role", Some("a"), "r", CREATE_SECRETS)
            + &binding(
                "RoleBinding",
                Some("a"),
                "rb",
                "Role",
                "r",
                "[{kind: ServiceAccount, name: writer}]",
            );
        let req = request("create", "secrets", Some("a"), None);
        assert_eq!(allowed(&text, req), ["a-writer", "a-legacy", "a-empty"]);
        // ...and grants nothing elsewhere, nor cluster-wide.
        assert!(allowed(&text, request("create", "secrets", Some("b"), None)).is_empty());
        assert!(allowed(&text, request("create", "secrets", None, None)).is_empty());

        // A ClusterRoleBinding's ServiceAccount subject without namespace matches nobody.
        let text = pods()
            + &role("ClusterRole", None, "cr", CREATE_SECRETS)
            + &binding(
                "ClusterRoleBinding",
                None,
                "crb",
                "ClusterRole",
                "cr",
                "[{kind: ServiceAccount, name: writer}]",
            );
        assert!(allowed(&text, req).is_empty());
        let text = text.replace("name: writer}]", "name: writer, namespace: b}]");
        assert_eq!(allowed(&text, req), ["b-writer"]);
        assert_eq!(
            allowed(&text, request("create", "secrets", None, None)),
            ["b-writer"]
        );
    }

    #[test]
    fn group_and_user_subjects() {
        let base = pods() + &role("ClusterRole", None, "cr", CREATE_SECRETS);
        let with = |subjects: &str| {
            base.clone()
                + &binding(
                    "ClusterRoleBinding",
                    None,
                    "crb",
                    "ClusterRole",
                    "cr",
                    subjects,
                )
        };
        let req = request("create", "secrets", Some("x"), None);
        let all = [
            "a-default",
            "a-writer",
            "a-legacy",
            "a-both",
            "a-empty",
            "b-writer",
        ];
        assert_eq!(
            allowed(&with("[{kind: Group, name: system:serviceaccounts}]"), req),
            all
        );
        assert_eq!(
            allowed(&with("[{kind: Group, name: system:authenticated}]"), req),
            all
        );
        assert_eq!(
            allowed(
                &with("[{kind: Group, name: 'system:serviceaccounts:b'}]"),
                req
            ),
            ["b-writer"]
        );
        assert!(allowed(&with("[{kind: Group, name: system:unauthenticated}]"), req).is_empty());
        assert_eq!(
            allowed(
                &with("[{kind: User, name: 'system:serviceaccount:a:other'}]"),
                req
            ),
            ["a-both"]
        );
        assert!(allowed(&with("[{kind: User, name: writer}]"), req).is_empty());
        // Kinds are compared exactly.
        assert!(allowed(
            &with("[{kind: serviceaccount, name: writer, namespace: a}]"),
            req
        )
        .is_empty());
    }

    #[test]
    fn bindings_reach_as_far_as_their_kind() {
        let subjects = "[{kind: ServiceAccount, name: default, namespace: a}]";
        let cluster_role = role(
            "ClusterRole",
            None,
            "cr",
            "rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]",
        );
        let in_a = Some("a");
        // RoleBinding to a ClusterRole: its namespace only, never cluster-scoped resources.
        let text = pod("a", "p", "")
            + &cluster_role
            + &binding(
                "RoleBinding",
                Some("c"),
                "rb",
                "ClusterRole",
                "cr",
                subjects,
            );
        assert_eq!(
            allowed(&text, request("get", "secrets", Some("c"), Some("s"))),
            ["p"]
        );
        assert!(allowed(&text, request("get", "secrets", in_a, Some("s"))).is_empty());
        assert!(allowed(&text, request("get", "nodes", None, Some("n"))).is_empty());
        // ClusterRoleBinding: every namespace and cluster-scoped resources.
        let text = pod("a", "p", "")
            + &cluster_role
            + &binding(
                "ClusterRoleBinding",
                None,
                "crb",
                "ClusterRole",
                "cr",
                subjects,
            );
        assert_eq!(
            allowed(&text, request("get", "nodes", None, Some("n"))),
            ["p"]
        );
        assert_eq!(
            allowed(&text, request("get", "secrets", Some("z"), None)),
            ["p"]
        );
        // A RoleBinding's Role is looked up in the binding's namespace; a ClusterRoleBinding
        // to a Role grants nothing.
        let r = role("Role", Some("a"), "r", CREATE_SECRETS);
        let text = pod("a", "p", "")
            + &r
            + &binding("RoleBinding", Some("c"), "rb", "Role", "r", subjects);
        assert!(allowed(&text, request("create", "secrets", Some("c"), None)).is_empty());
        let text = pod("a", "p", "")
            + &r
            + &binding("ClusterRoleBinding", None, "crb", "Role", "r", subjects);
        assert!(allowed(&text, request("create", "secrets", in_a, None)).is_empty());
        // A missing role grants nothing.
        let text =
            pod("a", "p", "") + &binding("RoleBinding", in_a, "rb", "Role", "absent", subjects);
        assert!(allowed(&text, request("create", "secrets", in_a, None)).is_empty());
    }

    #[test]
    fn rules_match_as_rule_allows() {
        let check = |rule: &str, req: Request<'_>| {
            let text = pod("a", "p", "")
                + &role("ClusterRole", None, "cr", &format!("rules: [{rule}]"))
                + &binding(
                    "ClusterRoleBinding",
                    None,
                    "crb",
                    "ClusterRole",
                    "cr",
                    "[{kind: ServiceAccount, name: default, namespace: a}]",
                );
            !allowed(&text, req).is_empty()
        };
        let ns = Some("a");
        let secrets = "{apiGroups: [''], resources: [secrets], verbs: [create, get]}";
        assert!(check(secrets, request("create", "secrets", ns, None)));
        assert!(!check(secrets, request("delete", "secrets", ns, Some("x"))));
        assert!(!check(secrets, request("Create", "secrets", ns, None)));
        let other_group = Request {
            group: "apps",
            ..request("create", "secrets", ns, None)
        };
        assert!(!check(secrets, other_group));
        assert!(check(
            "{apiGroups: ['*'], resources: [secrets], verbs: ['*']}",
            other_group
        ));
        // Subresources: exact, `*/sub`, `*`; `secrets` alone and `secrets/*` do not reach them.
        let status = request("patch", "pods/status", ns, Some("x"));
        assert!(check(
            "{apiGroups: [''], resources: [pods/status], verbs: [patch]}",
            status
        ));
        assert!(check(
            "{apiGroups: [''], resources: ['*/status'], verbs: [patch]}",
            status
        ));
        assert!(check(
            "{apiGroups: [''], resources: ['*'], verbs: [patch]}",
            status
        ));
        assert!(!check(
            "{apiGroups: [''], resources: [pods], verbs: [patch]}",
            status
        ));
        assert!(!check(
            "{apiGroups: [''], resources: ['pods/*'], verbs: [patch]}",
            status
        ));
        assert!(!check(
            "{apiGroups: [''], resources: ['*/scale'], verbs: [patch]}",
            status
        ));
        // resourceNames: a create names nothing, so only the empty name allows it (Go's
        // ResourceNameMatches compares the request's empty name).
        let named = "{apiGroups: [''], resources: [secrets], resourceNames: [tls], verbs: [create, get, patch]}";
        assert!(!check(named, request("create", "secrets", ns, None)));
        assert!(check(named, request("get", "secrets", ns, Some("tls"))));
        assert!(!check(named, request("get", "secrets", ns, Some("other"))));
        assert!(check(
            "{apiGroups: [''], resources: [secrets], resourceNames: [''], verbs: [create]}",
            request("create", "secrets", ns, None)
        ));
    }

    #[test]
    fn server_side_apply_creates_with_the_name() {
        let text = pod("a", "p", "")
            + &role("Role", Some("a"), "r", "rules: [{apiGroups: [''], resources: [secrets], resourceNames: [tls], verbs: [create, patch]}]")
            + &binding("RoleBinding", Some("a"), "rb", "Role", "r", "[{kind: ServiceAccount, name: default}]");
        let docs = documents(&text);
        let model = Model::build(&docs, "default");
        let authorization = Authorization::build(&model);
        let req = request("create", "secrets", Some("a"), Some("tls"));
        let found = authorization.may_create(&model, &req);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.iter().all(|g| g.names_object));
        assert!(authorization
            .may_create(&model, &request("create", "secrets", Some("a"), Some("x")))
            .is_empty());
        // Without patch, apply cannot create it.
        let text = text.replace("verbs: [create, patch]", "verbs: [create]");
        let docs = documents(&text);
        let model = Model::build(&docs, "default");
        let authorization = Authorization::build(&model);
        assert!(authorization.may_create(&model, &req).is_empty());
    }

    #[test]
    fn aggregated_cluster_roles_take_the_rules_they_select() {
        let subjects = "[{kind: ServiceAccount, name: default, namespace: a}]";
        let source = |name: &str, labels: &str, rule: &str| {
            role("ClusterRole", None, name, &format!("rules: [{rule}]")).replace(
                &format!("name: {name}}}"),
                &format!("name: {name}, labels: {{{labels}}}}}"),
            )
        };
        let create = "{apiGroups: [''], resources: [secrets], verbs: [create]}";
        let get = "{apiGroups: [''], resources: [configmaps], verbs: [get]}";
        let aggregated = |selectors: &str, own: &str| {
            role(
                "ClusterRole",
                None,
                "agg",
                &format!("aggregationRule: {{clusterRoleSelectors: {selectors}}}\nrules: [{own}]"),
            )
        };
        let base = pod("a", "p", "")
            + &source(
                "s1",
                "rbac.example/aggregate-to-agg: 'true', tier: one",
                create,
            )
            + &source("s2", "tier: two", get)
            + &binding(
                "ClusterRoleBinding",
                None,
                "crb",
                "ClusterRole",
                "agg",
                subjects,
            );
        let req = request("create", "secrets", Some("a"), None);
        let cm = request("get", "configmaps", Some("a"), Some("c"));
        let run = |selectors: &str| base.clone() + &aggregated(selectors, get);
        // matchLabels
        let text = run("[{matchLabels: {rbac.example/aggregate-to-agg: 'true'}}]");
        assert_eq!(allowed(&text, req), ["p"]);
        // The aggregated role's own rules are replaced by the controller...
        assert!(allowed(&text, cm).is_empty());
        // ...unless read from the cluster, where they are what the controller wrote.
        let live = text.replace("name: agg}", "name: agg, resourceVersion: '1'}");
        assert_eq!(allowed(&live, cm), ["p"]);
        // matchExpressions
        assert_eq!(
            allowed(
                &run("[{matchExpressions: [{key: tier, operator: In, values: [one, three]}]}]"),
                req
            ),
            ["p"]
        );
        assert!(allowed(
            &run("[{matchExpressions: [{key: tier, operator: NotIn, values: [one]}]}]"),
            req
        )
        .is_empty());
        assert_eq!(
            allowed(
                &run("[{matchExpressions: [{key: tier, operator: NotIn, values: [one]}]}]"),
                cm
            ),
            ["p"]
        );
        assert_eq!(
            allowed(
                &run("[{matchExpressions: [{key: tier, operator: Exists}]}]"),
                req
            ),
            ["p"]
        );
        assert!(allowed(
            &run("[{matchExpressions: [{key: tier, operator: DoesNotExist}]}]"),
            req
        )
        .is_empty());
        // An empty selector picks every ClusterRole; several selectors are a union.
        assert_eq!(allowed(&run("[{}]"), req), ["p"]);
        assert_eq!(
            allowed(
                &run("[{matchLabels: {tier: two}}, {matchLabels: {tier: one}}]"),
                req
            ),
            ["p"]
        );
        // An invalid selector, or none at all: the API server refuses the ClusterRole.
        assert!(allowed(
            &run("[{matchExpressions: [{key: tier, operator: Equals, values: [one]}]}]"),
            cm
        )
        .is_empty());
        assert!(allowed(
            &run("[{matchExpressions: [{key: tier, operator: In}]}]"),
            req
        )
        .is_empty());
        assert!(allowed(&run("[]"), req).is_empty());
        // Nested aggregation, and a role never selects itself.
        let text = base.clone()
            + &aggregated("[{matchLabels: {level: middle}}]", get)
            + &role(
                "ClusterRole",
                None,
                "middle",
                "aggregationRule: {clusterRoleSelectors: [{matchLabels: {tier: one}}]}\nrules: []",
            )
            .replace("name: middle}", "name: middle, labels: {level: middle}}");
        let docs = documents(&text);
        let model = Model::build(&docs, "default");
        let authorization = Authorization::build(&model);
        let grants = authorization.grants_to_template(&model, PodTemplateId::from_index(0), &req);
        assert_eq!(grants.len(), 1);
        let source_role = grants[0].aggregated_from.expect("aggregated");
        assert_eq!(model.objects[source_role].name, "s1");
        assert_eq!(model.objects[grants[0].role].name, "agg");
        assert_eq!(
            authorization.describe(&model, &grants[0], &req),
            "ClusterRole agg (aggregated from ClusterRole s1), bound to ServiceAccount a/default by ClusterRoleBinding crb, grants create on secrets in namespace a"
        );
        let self_selecting = base
            + &aggregated("[{matchLabels: {me: 'yes'}}]", create)
                .replace("name: agg}", "name: agg, labels: {me: 'yes'}}");
        assert!(allowed(&self_selecting, req).is_empty());
    }

    #[test]
    fn refused_objects_grant_nothing_and_rendered_ones_replace_live_ones() {
        let subjects = "[{kind: ServiceAccount, name: default}]";
        let two_resources = "rules: [{apiGroups: [''], resources: [secrets, configmaps], resourceNames: [x], verbs: [get]}, {apiGroups: [''], resources: [secrets], verbs: [create]}]";
        let text = pod("a", "p", "")
            + &role("Role", Some("a"), "r", two_resources)
            + &binding("RoleBinding", Some("a"), "rb", "Role", "r", subjects);
        let req = request("create", "secrets", Some("a"), None);
        assert!(allowed(&text, req).is_empty());
        let live = text.replace("name: r, namespace: a}", "name: r, namespace: a, uid: u}");
        assert_eq!(allowed(&live, req), ["p"]);
        // A verb that is not a string: the object cannot be decoded.
        let text = pod("a", "p", "")
            + &role(
                "Role",
                Some("a"),
                "r",
                "rules: [{apiGroups: [''], resources: [secrets], verbs: [create, on]}]",
            )
            + &binding("RoleBinding", Some("a"), "rb", "Role", "r", subjects);
        assert!(allowed(&text, req).is_empty());
        // The rendered Role is what will be applied, over the live one, in either order.
        let live_allows = role("Role", Some("a"), "r", CREATE_SECRETS)
            .replace("namespace: a}", "namespace: a, uid: u}");
        let rendered_denies = role(
            "Role",
            Some("a"),
            "r",
            "rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]",
        );
        let b = binding("RoleBinding", Some("a"), "rb", "Role", "r", subjects);
        for text in [
            pod("a", "p", "") + &live_allows + &rendered_denies + &b,
            pod("a", "p", "") + &rendered_denies + &live_allows + &b,
        ] {
            assert!(allowed(&text, req).is_empty());
        }
    }

    #[test]
    fn grants_carry_their_evidence() {
        let text = pod("a", "p", "")
            + &role("Role", Some("a"), "r", "rules: [{apiGroups: [''], resources: [configmaps], verbs: [get]}, {apiGroups: [''], resources: [secrets], resourceNames: [tls], verbs: [get]}]")
            + &binding("RoleBinding", Some("a"), "rb", "Role", "r", "[{kind: Group, name: nobody}, {kind: ServiceAccount, name: default}, {kind: Group, name: system:authenticated}]");
        let docs = documents(&text);
        let model = Model::build(&docs, "default");
        let authorization = Authorization::build(&model);
        let req = request("get", "secrets", Some("a"), Some("tls"));
        let grants = authorization.grants_to_template(&model, PodTemplateId::from_index(0), &req);
        assert_eq!(grants.len(), 1);
        let grant = &grants[0];
        assert!(grant.names_object);
        assert_eq!(model.objects[grant.role].name, "r");
        assert_eq!(model.objects[grant.binding].name, "rb");
        // The first subject that applies, as appliesTo reports it.
        assert_eq!(grant.subject, "ServiceAccount a/default");
        let rule_text = &text[grant.rule.start..grant.rule.end];
        assert!(rule_text.contains("resourceNames: [tls]"), "{rule_text}");
        assert_eq!(
            authorization.describe(&model, grant, &req),
            "Role a/r, bound to ServiceAccount a/default by RoleBinding a/rb, grants get on secrets [tls] in namespace a"
        );
        assert_eq!(authorization.templates_allowed(&model, &req)[0].1, grants);
    }

    #[test]
    fn aggregation_past_its_budget_says_the_graph_is_incomplete() {
        // Every aggregated ClusterRole selecting every ClusterRole: a product of 9e6 checks.
        let mut text = String::new();
        for i in 0..3_000 {
            text.push_str(&role(
                "ClusterRole",
                None,
                &format!("a{i}"),
                "aggregationRule: {clusterRoleSelectors: [{}]}",
            ));
        }
        let docs = documents(&text);
        let model = Model::build(&docs, "default");
        let started = std::time::Instant::now();
        let authorization = Authorization::build(&model);
        assert!(!authorization.is_complete());
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        // Below the budget, the same shape links every pair but itself.
        let small: String = text
            .split("---\n")
            .take(100)
            .collect::<Vec<_>>()
            .join("---\n");
        let docs = documents(&small);
        let model = Model::build(&docs, "default");
        let authorization = Authorization::build(&model);
        assert!(authorization.is_complete());
        assert!(authorization
            .selects
            .values()
            .all(|picked| picked.len() == 99));
    }

    #[test]
    fn twenty_thousand_bindings_to_twenty_thousand_templates_stay_linear() {
        let mut text = role("ClusterRole", None, "cr", CREATE_SECRETS);
        for i in 0..20_000 {
            text.push_str(&binding(
                "ClusterRoleBinding",
                None,
                &format!("b{i}"),
                "ClusterRole",
                "cr",
                "[{kind: Group, name: system:authenticated}]",
            ));
            text.push_str(&pod(&format!("n{}", i % 100), &format!("p{i}"), ""));
        }
        let docs = documents(&text);
        let model = Model::build(&docs, "default");
        let started = std::time::Instant::now();
        let authorization = Authorization::build(&model);
        let found =
            authorization.templates_allowed(&model, &request("create", "secrets", Some("x"), None));
        assert_eq!(found.len(), 20_000);
        assert!(found
            .iter()
            .all(|(_, grants)| grants.len() == MAX_GRANTS_PER_TEMPLATE));
        let grants = authorization.grants_to_template(
            &model,
            PodTemplateId::from_index(7),
            &request("create", "secrets", Some("x"), None),
        );
        assert_eq!(grants.len(), 20_000);
        // Linear work is well under this on any machine; the product (4e8) is not.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;
    use crate::yaml::documents_for_test as documents;

    #[test]
    fn the_rbac_fixture_grants_what_its_comments_say() {
        let text = include_str!("../../testdata/rbac/manifest.yaml");
        let docs = documents(text);
        let model = Model::build(&docs, "default");
        let authorization = Authorization::build(&model);
        assert!(authorization.is_complete());
        let name_of = |t: PodTemplateId| model.objects[model.pod_templates[t].object].name;
        let writer = (model.pod_templates.ids())
            .find(|&t| name_of(t) == "cert-writer")
            .unwrap();
        let server = (model.pod_templates.ids())
            .find(|&t| name_of(t) == "demo-webhook")
            .unwrap();

        let create = Request {
            verb: "create",
            group: "",
            resource: "secrets",
            namespace: Some("webhooks"),
            name: None,
        };
        let allowed = authorization.templates_allowed(&model, &create);
        assert_eq!(allowed.len(), 1);
        assert_eq!(allowed[0].0, writer);
        let grant = &allowed[0].1[0];
        assert!(!grant.names_object);
        assert_eq!(
            authorization.describe(&model, grant, &create),
            "Role webhooks/cert-writer, bound to ServiceAccount webhooks/cert-writer by RoleBinding webhooks/cert-writer, grants create on secrets in namespace webhooks"
        );
        assert!(authorization
            .grants_to_template(&model, server, &create)
            .is_empty());
        // Not in another namespace.
        let elsewhere = Request {
            namespace: Some("default"),
            ..create
        };
        assert!(authorization
            .templates_allowed(&model, &elsewhere)
            .is_empty());

        let patch = Request {
            verb: "patch",
            group: "admissionregistration.k8s.io",
            resource: "validatingwebhookconfigurations",
            namespace: None,
            name: Some("demo-webhook"),
        };
        let grants = authorization.grants_to_template(&model, writer, &patch);
        assert_eq!(grants.len(), 1);
        assert!(grants[0].names_object);
        assert_eq!(
            authorization.describe(&model, &grants[0], &patch),
            "ClusterRole webhook-patcher (aggregated from ClusterRole webhook-patcher-vwc), bound to ServiceAccount webhooks/cert-writer by ClusterRoleBinding webhook-patcher, grants patch on validatingwebhookconfigurations.admissionregistration.k8s.io [demo-webhook]"
        );
        let other = Request {
            name: Some("other"),
            ..patch
        };
        assert!(authorization.templates_allowed(&model, &other).is_empty());
    }
}
