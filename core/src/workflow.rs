//! Workflow definitions: the JSON form, validation, and the scan for wait
//! nodes.
//!
//! ```json
//! {
//!   "id": "approval",
//!   "start": "trigger",
//!   "nodes": [
//!     {"key": "trigger", "type": "trigger"},
//!     {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook"}}
//!   ],
//!   "connections": [
//!     {"from": "trigger", "port": "main", "to": "wait_approval"}
//!   ]
//! }
//! ```
//!
//! * `id`: the workflow id, 1–64 bytes of `[A-Za-z0-9_-]` (it appears in
//!   trigger URLs).
//! * `nodes` (1 to `N`): `key` (the node id: 1–64 bytes of `[A-Za-z0-9_-]`,
//!   unique), `type` (1–64 bytes of `[A-Za-z0-9_.-]`), and `params` (a JSON
//!   object, default `{}`; its size is not limited here: params with a `{{ }}`
//!   expression are rendered into the host's executor workspace, whose size
//!   is the limit). The params stay raw JSON text, except for `wait` nodes:
//!   checked here with the wait action's own errors
//!   ([`wait::check_static`](crate::wait::check_static)).
//! * `connections` (0 to `C`, default none): `from` node, output `port`
//!   (1–32 bytes of `[a-z0-9_]`, default `"main"`) and `to` node. Every node
//!   has one input; a port leads to at most one node (branching is by port,
//!   not by fan-out); `wait` nodes have exactly the ports `main`, `timeout`,
//!   `error` and `cancel`. The graph must be acyclic.
//! * `start` (optional): the key of the node that runs first. Without it, the
//!   start node is the one node that no connection leads to; zero or several
//!   such nodes is an error that asks for `start`.
//!
//! Other members (`name`, `description`, …) are ignored, so definitions can
//! carry documentation. A documented sample is `examples/workflows/approval.json`.
//!
//! Parsing is zero-copy: a [`Workflow`] borrows the caller's text. Node and
//! connection capacities are const generics with defaults [`MAX_NODES`] and
//! [`MAX_CONNECTIONS`]; exceeding them is [`Error::Capacity`].
//!
//! ```
//! use prana_webhook_core::workflow::Workflow;
//! let text = r#"{"id": "approval",
//!   "nodes": [{"key": "trigger", "type": "trigger"},
//!             {"key": "notify", "type": "log", "params": {"message": "hi"}},
//!             {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook"}}],
//!   "connections": [{"from": "trigger", "to": "notify"},
//!                   {"from": "notify", "port": "main", "to": "wait_approval"}]}"#;
//! let wf = Workflow::parse(text).unwrap();
//! assert_eq!(wf.start().key, "trigger");
//! let notify = wf.index_of("notify").unwrap();
//! let next = wf.next(notify, "main").unwrap();
//! assert_eq!(wf.node(next).unwrap().key, "wait_approval");
//! assert_eq!(wf.webhook_wait_nodes().count(), 1);
//! ```

use core::fmt;

use crate::error::{Error, Part, Result};
use crate::id::{self, PartString};
use crate::json;
use crate::msg::{self, Num, Text};
use crate::registration::CheckedConfig;
use parse::{check_acyclic, key_hash, parse_connection, parse_node};
use sha2::{Digest, Sha256};

mod parse;
mod start;

/// Default node capacity of a [`Workflow`]: sized for a microcontroller
/// (see the executor's module docs); servers choose larger ones.
pub const MAX_NODES: usize = 16;
/// Default connection capacity of a [`Workflow`].
pub const MAX_CONNECTIONS: usize = 32;
pub use crate::context::MAX_WAIT_NODES;
/// Longest port name, in bytes.
pub const MAX_PORT_LEN: usize = 32;
/// Longest node type, in bytes.
pub const MAX_TYPE_LEN: usize = 64;

/// The node type executed by the core: the unified wait action.
pub const WAIT_TYPE: &str = "wait";
/// The node type the core passes through: its output is its input, on `main`.
pub const TRIGGER_TYPE: &str = "trigger";
/// The default port.
pub const MAIN_PORT: &str = "main";
/// The output ports of a `wait` node (`cancel`: where a cancelled wait
/// continues; unconnected, a cancel ends the execution `cancelled`).
pub const WAIT_PORTS: [&str; 4] = ["main", "timeout", "error", "cancel"];

/// A port name: 1–32 bytes of `[a-z0-9_]`.
pub type PortName = heapless::String<MAX_PORT_LEN>;

/// Whether `s` is a valid port name (1–32 bytes of `[a-z0-9_]`).
pub fn is_port_name(s: &str) -> bool {
    (1..=MAX_PORT_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Copy a valid port name.
pub fn port_name(s: &str) -> Option<PortName> {
    if !is_port_name(s) {
        return None;
    }
    let mut p = PortName::new();
    p.push_str(s).ok()?;
    Some(p)
}

fn is_type_name(s: &str) -> bool {
    (1..=MAX_TYPE_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Why a workflow definition was rejected. Wrapped in [`Error::Workflow`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WorkflowError {
    /// A required top-level member is missing (`id`, `nodes`).
    MissingField(&'static str),
    /// A top-level member has the wrong JSON type.
    FieldType(&'static str),
    /// The workflow has no nodes.
    NoNodes,
    /// `nodes[index]` is not an object with string `key` and `type`.
    BadNode {
        /// Position in `nodes`.
        index: usize,
    },
    /// `nodes[index].key` is not 1–64 bytes of `[A-Za-z0-9_-]`.
    BadKey {
        /// Position in `nodes`.
        index: usize,
    },
    /// `nodes[index].type` is not 1–64 bytes of `[A-Za-z0-9_.-]`.
    BadType {
        /// Position in `nodes`.
        index: usize,
    },
    /// `nodes[index].params` is present but not a JSON object.
    BadParams {
        /// Position in `nodes`.
        index: usize,
    },
    /// Two nodes share a key.
    DuplicateKey {
        /// The key.
        key: PartString,
    },
    /// `connections[index]` is not an object with string `from` and `to`
    /// (and an optional string `port`).
    BadConnection {
        /// Position in `connections`.
        index: usize,
    },
    /// `connections[index].port` is not 1–32 bytes of `[a-z0-9_]`.
    BadPort {
        /// Position in `connections`.
        index: usize,
    },
    /// `connections[index]` names a node that does not exist.
    DanglingConnection {
        /// Position in `connections`.
        index: usize,
        /// `"from"` or `"to"`.
        end: &'static str,
    },
    /// `connections[index]` leaves a wait node by a port it does not have.
    UnknownPort {
        /// Position in `connections`.
        index: usize,
        /// The port.
        port: PortName,
    },
    /// `connections[index]` leaves a port that already leads to a node.
    PortAlreadyConnected {
        /// Position in `connections`.
        index: usize,
    },
    /// The graph has a cycle through this node.
    Cycle {
        /// A node on the cycle.
        key: PartString,
    },
    /// `start` names no node.
    UnknownStart,
    /// No `start` member and no node without incoming connections.
    NoStart,
    /// No `start` member and several nodes without incoming connections.
    AmbiguousStart,
}

msg::messages! { WorkflowError {
    MissingField(_) => "workflow_missing_field", "workflow is missing '{}'";
    FieldType(_) => "workflow_field_type",
        "workflow member '{}' has the wrong type (id and start: string; nodes and connections: array)";
    NoNodes => "workflow_no_nodes", "workflow has no nodes";
    BadNode { .. } => "workflow_bad_node",
        "nodes[{}] must be an object with string 'key' and 'type' and an optional object 'params'";
    BadKey { .. } => "workflow_bad_node_key", "nodes[{}].key must be 1-64 bytes of [A-Za-z0-9_-]";
    BadType { .. } => "workflow_bad_node_type",
        "nodes[{}].type must be 1-64 bytes of [A-Za-z0-9_.-]";
    BadParams { .. } => "workflow_bad_params", "nodes[{}].params must be a JSON object";
    DuplicateKey { .. } => "workflow_duplicate_key", "duplicate node key '{}'";
    BadConnection { .. } => "workflow_bad_connection",
        "connections[{}] must be an object with string 'from' and 'to' and an optional string 'port'";
    BadPort { .. } => "workflow_bad_port", "connections[{}].port must be 1-32 bytes of [a-z0-9_]";
    DanglingConnection { .. } => "workflow_dangling_connection",
        "connections[{}].{} names no node of this workflow";
    UnknownPort { .. } => "workflow_unknown_port",
        "connections[{}]: a wait node has no output port '{}' (main, timeout, error, cancel)";
    PortAlreadyConnected { .. } => "workflow_port_already_connected",
        "connections[{}]: this node's port already leads to another node";
    Cycle { .. } => "workflow_cycle", "the workflow has a cycle through node '{}'";
    UnknownStart => "workflow_unknown_start", "'start' names no node of this workflow";
    NoStart => "workflow_no_start",
        "no start node: every node has an incoming connection; name one in 'start'";
    AmbiguousStart => "workflow_ambiguous_start",
        "several nodes have no incoming connection; name the start node in 'start'";
} }

impl WorkflowError {
    /// A stable snake_case code.
    pub const fn code(&self) -> &'static str {
        Self::CODES[self.row()]
    }
}

impl WorkflowError {
    /// The message (what `Display` writes), to any sink.
    pub(crate) fn write_to(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let args: &[msg::Arg<'_>] = match self {
            WorkflowError::MissingField(m) | WorkflowError::FieldType(m) => &[Text(m)],
            WorkflowError::BadNode { index }
            | WorkflowError::BadKey { index }
            | WorkflowError::BadType { index }
            | WorkflowError::BadParams { index }
            | WorkflowError::BadConnection { index }
            | WorkflowError::BadPort { index }
            | WorkflowError::PortAlreadyConnected { index } => &[Num(*index as u64)],
            WorkflowError::DuplicateKey { key } | WorkflowError::Cycle { key } => &[Text(key)],
            WorkflowError::DanglingConnection { index, end } => &[Num(*index as u64), Text(end)],
            WorkflowError::UnknownPort { index, port } => &[Num(*index as u64), Text(port)],
            _ => &[],
        };
        self.write_message(f, args)
    }
}

impl From<WorkflowError> for Error {
    fn from(e: WorkflowError) -> Self {
        Error::Workflow(e)
    }
}

/// One node of a workflow, borrowing the definition text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node<'a> {
    /// The node id (`key`).
    pub key: &'a str,
    /// The node type (`type`): `wait` runs in the core, `trigger` passes its
    /// input through, everything else goes to the host's handler.
    pub node_type: &'a str,
    /// The raw `params` object (`{}` when absent).
    pub params: &'a str,
}

impl Node<'_> {
    /// Whether this is a `wait` node.
    pub fn is_wait(&self) -> bool {
        self.node_type == WAIT_TYPE
    }

    /// Whether this is a `wait` node whose params say `"mode": "webhook"`.
    pub fn is_webhook_wait(&self) -> bool {
        self.is_wait()
            && matches!(
                json::find_member(self.params, "mode")
                    .ok()
                    .flatten()
                    .and_then(json::plain_str),
                Some("webhook")
            )
    }
}

/// One connection: node `from` leaves by `port` to node `to` (node indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection<'a> {
    /// Index of the source node.
    pub from: u16,
    /// Output port of the source node.
    pub port: &'a str,
    /// Index of the target node.
    pub to: u16,
}

/// A validated workflow definition borrowing its JSON text.
///
/// `N` and `C` are the node and connection capacities. [`Workflow::parse`]
/// uses the defaults; [`Workflow::parse_with_capacity`] any others.
#[derive(Clone, PartialEq, Eq)]
pub struct Workflow<'a, const N: usize = MAX_NODES, const C: usize = MAX_CONNECTIONS> {
    /// `None` only when empty (a null pointer: an empty workflow is all zeros).
    id: Option<&'a str>,
    nodes: heapless::Vec<Node<'a>, N>,
    connections: heapless::Vec<Connection<'a>, C>,
    start: u16,
    /// Indices of the wait nodes in webhook mode, in node order: found once
    /// here instead of searching each node's params on every executor call.
    webhook_waits: heapless::Vec<u16, N>,
    /// For each of `webhook_waits`: its `timeout_ms` and `webhook_config`
    /// when its params are valid and have no `{{` expression (then they
    /// are the same for every execution and need no parse per suspension);
    /// `None` sends the wait through the full parse, with its errors.
    webhook_params: heapless::Vec<Option<(u64, CheckedConfig<'a>)>, N>,
    /// Indices into `connections` grouped by source node (in definition
    /// order within a node): node `i`'s are `out[out_end[i - 1]..out_end[i]]`,
    /// so [`next`](Self::next) looks at a node's own connections only.
    out: heapless::Vec<u16, C>,
    out_end: heapless::Vec<u16, N>,
    /// SHA-256 of the definition text: what an execution is bound to.
    digest: [u8; 32],
}

impl<'a> Workflow<'a> {
    /// Parse and validate a definition with the default capacities
    /// ([`MAX_NODES`] nodes, [`MAX_CONNECTIONS`] connections). By value;
    /// [`parse_into`](Self::parse_into) fills a workflow the caller keeps.
    pub fn parse(text: &'a str) -> Result<Self> {
        Self::parse_with_capacity(text)
    }
}

/// The one node an empty workflow answers with.
static NO_NODE: Node<'static> = Node {
    key: "",
    node_type: "",
    params: "{}",
};

impl<'a, const N: usize, const C: usize> Default for Workflow<'a, N, C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a, const N: usize, const C: usize> Workflow<'a, N, C> {
    /// An empty workflow (no id, no nodes), all zeros: for a `static`, to
    /// be filled by [`parse_into`](Self::parse_into). Every executor call
    /// refuses it.
    pub const fn new() -> Self {
        Workflow {
            id: None,
            nodes: heapless::Vec::new(),
            connections: heapless::Vec::new(),
            start: 0,
            webhook_waits: heapless::Vec::new(),
            webhook_params: heapless::Vec::new(),
            out: heapless::Vec::new(),
            out_end: heapless::Vec::new(),
            digest: [0; 32],
        }
    }

    /// Parse and validate a definition with capacities `N` and `C`. By
    /// value; [`parse_into`](Self::parse_into) fills a workflow in place.
    pub fn parse_with_capacity(text: &'a str) -> Result<Self> {
        let mut wf = Self::new();
        wf.parse_into(text)?;
        Ok(wf)
    }

    /// Parse and validate a definition into this workflow, whatever it held
    /// (on error it is left empty): nothing of the workflow's size is
    /// built on the stack.
    pub fn parse_into(&mut self, text: &'a str) -> Result<()> {
        let r = self.parse_in_place(text);
        if r.is_err() {
            self.clear();
        }
        r
    }

    fn clear(&mut self) {
        self.id = None;
        self.nodes.clear();
        self.connections.clear();
        self.start = 0;
        self.webhook_waits.clear();
        self.webhook_params.clear();
        self.out.clear();
        self.out_end.clear();
        self.digest = [0; 32];
    }

    fn parse_in_place(&mut self, text: &'a str) -> Result<()> {
        const { assert!(N <= u16::MAX as usize, "node capacity must fit in u16") };
        self.clear();
        // One pass checks the syntax and picks the members (a later duplicate
        // wins); `nodes` and `connections` are then read once more, in order.
        let mut r = json::Reader::new(text);
        if !r.begin_object()? {
            json::validate(text)?;
            return Err(Error::NotAnObject("workflow"));
        }
        let (mut id, mut nodes_raw, mut conns_raw, mut start_raw) = (None, None, None, None);
        while let Some(k) = r.next_key()? {
            let v = r.value()?;
            match k {
                "id" => id = Some(v),
                "nodes" => nodes_raw = Some(v),
                "connections" => conns_raw = Some(v),
                "start" => start_raw = Some(v),
                _ => {}
            }
        }
        r.end()?;
        let id = id.ok_or(WorkflowError::MissingField("id"))?;
        let id = json::plain_str(id).ok_or(WorkflowError::FieldType("id"))?;
        id::check_part(Part::WorkflowId, id)?;

        let nodes_raw = nodes_raw.ok_or(WorkflowError::MissingField("nodes"))?;
        let mut r = json::Reader::new(nodes_raw);
        if !r.begin_array()? {
            return Err(WorkflowError::FieldType("nodes").into());
        }
        let Workflow {
            nodes,
            connections,
            webhook_waits,
            webhook_params,
            out,
            out_end,
            ..
        } = self;
        // Keys are compared by hash first: every connection looks two up.
        let mut hashes = [0u32; N];
        let index_of = |nodes: &[Node<'_>], hashes: &[u32; N], key: &str| {
            let h = key_hash(key);
            (0..nodes.len()).find(|&i| hashes[i] == h && nodes[i].key == key)
        };
        while r.next_element()? {
            let index = nodes.len();
            let node = parse_node(index, &mut r)?;
            if index_of(nodes, &hashes, node.key).is_some() {
                return Err(WorkflowError::DuplicateKey {
                    // A checked key (1-64 bytes): copied whole.
                    key: crate::error::truncated(node.key),
                }
                .into());
            }
            let too_many = |_| Error::Capacity {
                what: "workflow nodes",
                limit: N,
            };
            let webhook = node.is_webhook_wait();
            if node.is_wait() && !webhook {
                // Refused now, not when an execution reaches the node
                // (webhook waits: just below).
                crate::wait::check_static(node.params)?;
            }
            let hash = key_hash(node.key);
            nodes.push(node).map_err(too_many)?;
            hashes[index] = hash;
            if webhook {
                // Cannot fail: there are no more of them than nodes. N fits u16.
                let _ = webhook_waits.push(index as u16);
                let params = nodes.last().map(|n| n.params).unwrap_or("");
                let parsed = match crate::bytes::find_pair(params, b'{') {
                    Some(_) => {
                        crate::wait::check_static(params)?;
                        None
                    }
                    // The clock does not matter for a webhook wait, so this
                    // is its whole check.
                    None => match crate::wait::parse(params, 0)? {
                        // A config the activation would refuse is left to
                        // it (and its error) too.
                        crate::wait::WaitParams::Webhook {
                            timeout_ms,
                            webhook_config,
                        } => CheckedConfig::new(webhook_config)
                            .ok()
                            .map(|c| (timeout_ms, c)),
                        _ => None,
                    },
                };
                let _ = webhook_params.push(parsed);
            }
        }
        if nodes.is_empty() {
            return Err(WorkflowError::NoNodes.into());
        }

        let index_of = |key: &str| index_of(nodes, &hashes, key);
        if let Some(raw) = conns_raw {
            let mut r = json::Reader::new(raw);
            if !r.begin_array()? {
                return Err(WorkflowError::FieldType("connections").into());
            }
            while r.next_element()? {
                let index = connections.len();
                let (from, port, to) = parse_connection(index, &mut r)?;
                let port = port.unwrap_or(MAIN_PORT);
                if !is_port_name(port) {
                    return Err(WorkflowError::BadPort { index }.into());
                }
                let from = index_of(from)
                    .ok_or(WorkflowError::DanglingConnection { index, end: "from" })?;
                let to =
                    index_of(to).ok_or(WorkflowError::DanglingConnection { index, end: "to" })?;
                if nodes[from].is_wait() && !WAIT_PORTS.contains(&port) {
                    return Err(WorkflowError::UnknownPort {
                        index,
                        port: port_name(port).unwrap_or_default(),
                    }
                    .into());
                }
                let (from, to) = (from as u16, to as u16);
                if connections.iter().any(|e| e.from == from && e.port == port) {
                    return Err(WorkflowError::PortAlreadyConnected { index }.into());
                }
                connections
                    .push(Connection { from, port, to })
                    .map_err(|_| Error::Capacity {
                        what: "workflow connections",
                        limit: C,
                    })?;
            }
        }

        // Kahn's algorithm: count incoming edges, peel off sources; whatever
        // remains lies on (or behind) a cycle.
        let mut indegree = [0u16; N];
        for c in connections.iter() {
            indegree[c.to as usize] += 1;
        }
        let roots = indegree[..nodes.len()].iter().filter(|&&d| d == 0).count();
        let start = match start_raw {
            Some(raw) => {
                let key = json::plain_str(raw).ok_or(WorkflowError::FieldType("start"))?;
                index_of(key).ok_or(WorkflowError::UnknownStart)?
            }
            None => match roots {
                0 => {
                    // Every node has an input, so there is a cycle; report it.
                    check_acyclic(nodes, connections, indegree)?;
                    return Err(WorkflowError::NoStart.into());
                }
                1 => indegree[..nodes.len()]
                    .iter()
                    .position(|&d| d == 0)
                    .unwrap_or(0),
                _ => return Err(WorkflowError::AmbiguousStart.into()),
            },
        };
        check_acyclic(nodes, connections, indegree)?;
        // Group the connections by source node (a counting sort, stable).
        let mut fill = [0u16; N];
        for c in connections.iter() {
            fill[usize::from(c.from)] += 1;
        }
        let mut end = 0u16;
        for f in fill.iter_mut().take(nodes.len()) {
            let count = *f;
            *f = end;
            end += count;
            // Cannot fail: one entry per node.
            let _ = out_end.push(end);
        }
        // Cannot fail: one entry per connection.
        let _ = out.resize(connections.len(), 0);
        for (k, c) in connections.iter().enumerate() {
            let slot = &mut fill[usize::from(c.from)];
            out[usize::from(*slot)] = k as u16;
            *slot += 1;
        }
        self.id = Some(id);
        self.start = start as u16;
        self.digest = Sha256::digest(text.as_bytes()).into();
        Ok(())
    }

    /// SHA-256 of the definition text this workflow was parsed from (all
    /// zeros for an empty workflow). An execution records it when it
    /// starts, and every later executor call checks that it gets the same
    /// definition (byte for byte) again.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The workflow id.
    pub fn id(&self) -> &'a str {
        self.id.unwrap_or("")
    }

    /// All nodes, in definition order.
    pub fn nodes(&self) -> &[Node<'a>] {
        &self.nodes
    }

    /// All connections, in definition order.
    pub fn connections(&self) -> &[Connection<'a>] {
        &self.connections
    }

    /// The node at `index`.
    pub fn node(&self, index: usize) -> Option<&Node<'a>> {
        self.nodes.get(index)
    }

    /// The index of the node with this key.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.key == key)
    }

    /// The node with this key.
    pub fn find(&self, key: &str) -> Option<&Node<'a>> {
        self.nodes.iter().find(|n| n.key == key)
    }

    /// Index of the start node.
    pub fn start_index(&self) -> usize {
        self.start as usize
    }

    /// The start node.
    pub fn start(&self) -> &Node<'a> {
        // An empty workflow has no start node: it answers with a node of
        // no key.
        self.nodes.get(self.start as usize).unwrap_or(&NO_NODE)
    }

    /// The node that `port` of node `from` leads to, if it is connected.
    pub fn next(&self, from: usize, port: &str) -> Option<usize> {
        let start = match from.checked_sub(1) {
            Some(prev) => *self.out_end.get(prev)?,
            None => 0,
        };
        let end = *self.out_end.get(from)?;
        self.out
            .get(usize::from(start)..usize::from(end))?
            .iter()
            .filter_map(|&k| self.connections.get(usize::from(k)))
            .find(|c| crate::id::short_eq(c.port.as_bytes(), port.as_bytes()))
            .map(|c| c.to as usize)
    }

    /// Whether `port` of node `from` is connected.
    pub fn has_port(&self, from: usize, port: &str) -> bool {
        self.next(from, port).is_some()
    }

    /// All `wait` nodes.
    pub fn wait_nodes(&self) -> impl Iterator<Item = &Node<'a>> + '_ {
        self.nodes.iter().filter(|n| n.is_wait())
    }

    /// The `wait` nodes in webhook mode: one resume URL each at execution
    /// start. The mode must be the literal string `"webhook"`.
    pub fn webhook_wait_nodes(&self) -> impl Iterator<Item = &Node<'a>> + '_ {
        self.webhook_waits
            .iter()
            .map(|&i| &self.nodes[usize::from(i)])
    }

    /// Indices of the wait nodes in webhook mode, in node order.
    pub(crate) fn webhook_wait_indices(&self) -> &[u16] {
        &self.webhook_waits
    }

    /// The parsed params of webhook wait node `index` when they are the
    /// same for every execution (see `webhook_params`).
    pub(crate) fn webhook_params(&self, index: usize) -> Option<(u64, CheckedConfig<'a>)> {
        let i = self
            .webhook_waits
            .iter()
            .position(|&w| usize::from(w) == index)?;
        self.webhook_params.get(i).copied().flatten()
    }
}

impl<const N: usize, const C: usize> fmt::Debug for Workflow<'_, N, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Workflow")
            .field("id", &self.id())
            .field("nodes", &self.nodes.len())
            .field("connections", &self.connections.len())
            .field("start", &self.start().key)
            .finish()
    }
}
