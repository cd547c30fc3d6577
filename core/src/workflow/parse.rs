//! The pieces of a definition: one node, one connection, and the check
//! that the graph is acyclic.

use super::{is_type_name, Connection, Node, WorkflowError};
use crate::error::{Error, Part, Result};
use crate::id;
use crate::json;

/// FNV-1a of a node key.
pub(super) fn key_hash(key: &str) -> u32 {
    key.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Keep the first value of a member; a second one is an error.
fn set_once<V>(slot: &mut Option<V>, v: V) -> core::result::Result<(), ()> {
    match slot {
        Some(_) => Err(()),
        None => {
            *slot = Some(v);
            Ok(())
        }
    }
}

/// A string member's text between its quotes (escapes are left as they
/// are: keys, types and ports refuse a `\`).
fn read_str<'a>(r: &mut json::Reader<'a>) -> Option<&'a str> {
    let raw = r.string().ok()??;
    Some(&raw[1..raw.len() - 1])
}

/// One element of `nodes` (already checked as JSON): `key` and `type` are
/// required strings, each once; `params` is the first one, raw.
pub(super) fn parse_node<'a>(index: usize, r: &mut json::Reader<'a>) -> Result<Node<'a>> {
    let bad = || Error::from(WorkflowError::BadNode { index });
    if !r.begin_object()? {
        r.value()?;
        return Err(bad());
    }
    let (mut key, mut node_type, mut params) = (None, None, None);
    while let Some(k) = r.next_key()? {
        match k {
            "key" => set_once(&mut key, read_str(r).ok_or_else(bad)?).map_err(|_| bad())?,
            "type" => {
                set_once(&mut node_type, read_str(r).ok_or_else(bad)?).map_err(|_| bad())?;
            }
            "params" if params.is_none() => params = Some(r.value()?),
            _ => {
                r.value()?;
            }
        }
    }
    let (Some(key), Some(node_type)) = (key, node_type) else {
        return Err(bad());
    };
    if id::validate_part(Part::NodeId, key).is_err() {
        return Err(WorkflowError::BadKey { index }.into());
    }
    if !is_type_name(node_type) {
        return Err(WorkflowError::BadType { index }.into());
    }
    let params = match params {
        None | Some("null") => "{}",
        Some(p) if p.starts_with('{') => p,
        Some(_) => return Err(WorkflowError::BadParams { index }.into()),
    };
    Ok(Node {
        key,
        node_type,
        params,
    })
}

/// One element of `connections` (already checked as JSON): `from` and `to`
/// are required strings, `port` an optional string (`null` = absent); each
/// at most once.
pub(super) fn parse_connection<'a>(
    index: usize,
    r: &mut json::Reader<'a>,
) -> Result<(&'a str, Option<&'a str>, &'a str)> {
    let bad = || Error::from(WorkflowError::BadConnection { index });
    if !r.begin_object()? {
        r.value()?;
        return Err(bad());
    }
    let (mut from, mut port, mut to) = (None, None, None);
    while let Some(k) = r.next_key()? {
        let slot = match k {
            "from" => &mut from,
            "to" => &mut to,
            "port" => {
                let p = if r.null()? {
                    None
                } else {
                    Some(read_str(r).ok_or_else(bad)?)
                };
                set_once(&mut port, p).map_err(|_| bad())?;
                continue;
            }
            _ => {
                r.value()?;
                continue;
            }
        };
        set_once(slot, read_str(r).ok_or_else(bad)?).map_err(|_| bad())?;
    }
    match (from, to) {
        (Some(from), Some(to)) => Ok((from, port.flatten(), to)),
        _ => Err(bad()),
    }
}

pub(super) fn check_acyclic<const N: usize>(
    nodes: &[Node<'_>],
    connections: &[Connection<'_>],
    mut indegree: [u16; N],
) -> Result<()> {
    let mut queue = [0u16; N];
    let (mut head, mut tail) = (0, 0);
    for (i, &d) in indegree[..nodes.len()].iter().enumerate() {
        if d == 0 {
            queue[tail] = i as u16;
            tail += 1;
        }
    }
    while head < tail {
        let n = queue[head];
        head += 1;
        for c in connections.iter().filter(|c| c.from == n) {
            indegree[c.to as usize] -= 1;
            if indegree[c.to as usize] == 0 {
                queue[tail] = c.to;
                tail += 1;
            }
        }
    }
    if tail == nodes.len() {
        return Ok(());
    }
    // Walk backwards from a remaining node along remaining edges: every node
    // left has a remaining predecessor, so after N steps we stand on a cycle.
    let mut at = indegree[..nodes.len()]
        .iter()
        .position(|&d| d > 0)
        .unwrap_or(0);
    for _ in 0..nodes.len() {
        if let Some(c) = connections
            .iter()
            .find(|c| c.to as usize == at && indegree[c.from as usize] > 0)
        {
            at = c.from as usize;
        }
    }
    Err(WorkflowError::Cycle {
        // A checked key (1-64 bytes): copied whole.
        key: crate::error::truncated(nodes[at].key),
    }
    .into())
}
