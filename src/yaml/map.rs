//! A mapping under construction: keys wait for their values, duplicates are refused.

use std::collections::HashMap;

use super::node::{Entry, Node, ReadError, Span, Value};

/// Maps with more entries than this get a hash index for the duplicate-key check.
const LINEAR_KEYS: usize = 16;

/// The entries read so far, and the key whose value comes next.
#[derive(Default)]
pub(crate) struct MapBuilder {
    pub entries: Vec<Entry>,
    pub key: Option<(String, Span)>,
    index: Option<HashMap<String, usize>>,
}

impl MapBuilder {
    /// Takes a finished node: a key if none is waiting, else the waiting key's value.
    pub fn push(&mut self, node: Node) -> Result<(), ReadError> {
        let Some((key, key_span)) = self.key.take() else {
            let Value::String(k) = node.value else {
                return Err(ReadError::at(node.span, "a mapping key must be a string"));
            };
            self.key = Some((k, node.span));
            return Ok(());
        };
        let first = match &self.index {
            Some(index) => index.get(&key).map(|&i| &self.entries[i]),
            None => self.entries.iter().find(|e| e.key == key),
        };
        if let Some(first) = first {
            let line = first.key_span.line;
            return Err(ReadError::at(
                key_span,
                format!("duplicate key `{key}` (first defined at line {line})"),
            )
            .help("remove one of them; Kubernetes tools refuse duplicate keys"));
        }
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), self.entries.len());
        } else if self.entries.len() >= LINEAR_KEYS {
            let mut index: HashMap<String, usize> = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect();
            index.insert(key.clone(), self.entries.len());
            self.index = Some(index);
        }
        self.entries.push(Entry {
            key,
            key_span,
            value: node,
        });
        Ok(())
    }
}
