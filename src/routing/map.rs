//! The routing map (`gatewright map`): Gateway → listener → hostname →
//! route → backends, as text, Mermaid or Graphviz dot. Pure: it returns text.

use std::collections::{BTreeMap, BTreeSet};

use super::Engine;

/// One drawable node: its kind (for ids) and its label.
#[derive(Clone, Debug)]
struct Node {
    kind: char,
    label: String,
}

/// Node ids by kind and key.
type Ids = BTreeMap<(char, String), usize>;

/// The map: nodes in order of first appearance and the edges between them (with a label).
#[derive(Debug, Default)]
pub struct Map {
    nodes: Vec<Node>,
    edges: Vec<(usize, usize, Option<String>)>,
    /// Text form: (depth, label) lines.
    lines: Vec<(usize, String)>,
}

impl Map {
    /// The map of `engine`, keeping only the hostnames `keep` accepts (the
    /// listener's hostname for routes of any host; `None` for "any").
    pub fn new(engine: &Engine, keep: &dyn Fn(Option<&str>) -> bool) -> Map {
        let mut map = Map::default();
        let mut ids: Ids = BTreeMap::new();
        let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
        for (i, l) in engine.listeners().iter().enumerate() {
            let mut hosts: BTreeMap<String, Vec<&super::Route>> = BTreeMap::new();
            for (route, host) in engine.attached(i) {
                if keep(host) {
                    let list = hosts.entry(host.unwrap_or("*").to_string()).or_default();
                    if !list.iter().any(|r| std::ptr::eq(*r, route)) {
                        list.push(route);
                    }
                }
            }
            if hosts.is_empty() {
                continue;
            }
            let g = &l.gateway;
            let gw = map.node(&mut ids, 'g', &format!("{}/{}", g.namespace, g.name), "Gateway", 0);
            let lkey = format!("{}/{}/{}/{}", g.namespace, g.name, l.owner.name, l.spec.name);
            let label = format!("{} {}:{}", l.spec.name, l.spec.protocol, l.spec.port);
            let li = map.node(&mut ids, 'l', &lkey, &format!("listener {label}"), 1);
            map.edge(&mut seen, gw, li, None);
            for (host, routes) in hosts {
                let h = map.node(&mut ids, 'h', &format!("{lkey}/{host}"), &host, 2);
                map.edge(&mut seen, li, h, None);
                let mut routes = routes;
                routes.sort_by_key(|r| r.reference());
                for route in routes {
                    map.route(&mut ids, &mut seen, h, route);
                }
            }
        }
        map
    }

    /// The node of `kind` and `key` (made on first use), and its outline line at `depth`
    /// (a Gateway's once: its listeners are listed together).
    fn node(&mut self, ids: &mut Ids, kind: char, key: &str, label: &str, depth: usize) -> usize {
        let text = if kind == 'g' {
            format!("{label} {key}")
        } else {
            label.to_string()
        };
        let new = !ids.contains_key(&(kind, key.to_string()));
        if new || kind != 'g' {
            self.lines.push((depth, text.clone()));
        }
        *ids.entry((kind, key.to_string())).or_insert_with(|| {
            self.nodes.push(Node { kind, label: text });
            self.nodes.len() - 1
        })
    }

    fn edge(&mut self, seen: &mut BTreeSet<(usize, usize)>, a: usize, b: usize, label: Option<String>) {
        if seen.insert((a, b)) {
            self.edges.push((a, b, label));
        }
    }

    fn route(&mut self, ids: &mut Ids, seen: &mut BTreeSet<(usize, usize)>, host: usize, route: &super::Route) {
        let r = route.reference();
        let key = format!("{}/{}/{}", r.kind, r.namespace, r.name);
        let ri = self.node(ids, 'r', &key, &format!("{} {}/{}", r.kind, r.namespace, r.name), 3);
        self.edge(seen, host, ri, None);
        let mut backends: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
        for b in route.obj.spec.rules.iter().flat_map(|rule| &rule.backend_refs) {
            let ns = b.namespace.as_deref().unwrap_or(&r.namespace);
            let port = b.port.map(|p| format!(":{p}")).unwrap_or_default();
            let weights = backends.entry(format!("{ns}/{}{port}", b.name)).or_default();
            weights.extend(b.weight);
        }
        for (name, weights) in backends {
            let list: Vec<String> = weights.iter().map(u32::to_string).collect();
            let w = (!list.is_empty()).then(|| format!("weight {}", list.join(", ")));
            let text = match &w {
                Some(w) => format!("→ {name} ({w})"),
                None => format!("→ {name}"),
            };
            let bi = self.node(ids, 'b', &name, &name, 4);
            if let Some(last) = self.lines.last_mut() {
                *last = (4, text);
            }
            self.edge(seen, ri, bi, w);
        }
    }

    /// An indented outline, one node a line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (depth, label) in &self.lines {
            out.push_str(&"  ".repeat(*depth));
            out.push_str(label);
            out.push('\n');
        }
        if out.is_empty() {
            out.push_str("(no routes)\n");
        }
        out
    }

    /// A Mermaid flowchart (GitHub renders it in comments).
    pub fn mermaid(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "#amp;")
                .replace('"', "#quot;")
                .replace('<', "#lt;")
                .replace('>', "#gt;")
        };
        let mut out = String::from("flowchart LR\n");
        for (i, n) in self.nodes.iter().enumerate() {
            out.push_str(&format!("  {}{i}[\"{}\"]\n", n.kind, esc(&n.label)));
        }
        for (a, b, label) in &self.edges {
            let (na, nb) = (&self.nodes[*a], &self.nodes[*b]);
            let arrow = label
                .as_ref()
                .map(|l| format!("-->|\"{}\"|", esc(l)))
                .unwrap_or_else(|| "-->".into());
            out.push_str(&format!("  {}{a} {arrow} {}{b}\n", na.kind, nb.kind));
        }
        out
    }

    /// A Graphviz `digraph`.
    pub fn dot(&self) -> String {
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut out = String::from("digraph routing {\n  rankdir=LR;\n");
        for (i, n) in self.nodes.iter().enumerate() {
            let shape = if n.kind == 'b' { "box" } else { "ellipse" };
            out.push_str(&format!(
                "  {}{i} [label=\"{}\", shape={shape}];\n",
                n.kind,
                esc(&n.label)
            ));
        }
        for (a, b, label) in &self.edges {
            let (na, nb) = (&self.nodes[*a], &self.nodes[*b]);
            let attr = label
                .as_ref()
                .map(|l| format!(" [label=\"{}\"]", esc(l)))
                .unwrap_or_default();
            out.push_str(&format!("  {}{a} -> {}{b}{attr};\n", na.kind, nb.kind));
        }
        out.push_str("}\n");
        out
    }
}
