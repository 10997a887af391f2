//! Open values of a Gateway: listener protocols and address types the
//! analysis knows, or any other string the API's pattern allows, and
//! certificate references to Secrets or to another kind.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::{AddressType, Protocol};

/// The API's `ProtocolType` pattern, as a JSON schema pattern.
const PROTOCOL_PATTERN: &str = r"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9]+$";
/// The API's `AddressType` pattern for implementation-specific types.
const ADDRESS_TYPE_PATTERN: &str =
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$";

impl Protocol {
    /// The protocol as the API writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Protocol::HTTP => "HTTP",
            Protocol::HTTPS => "HTTPS",
            Protocol::TLS => "TLS",
            Protocol::TCP => "TCP",
            Protocol::UDP => "UDP",
            Protocol::Other(s) => s,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Protocol {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        Ok(match s.as_str() {
            "HTTP" => Protocol::HTTP,
            "HTTPS" => Protocol::HTTPS,
            "TLS" => Protocol::TLS,
            "TCP" => Protocol::TCP,
            "UDP" => Protocol::UDP,
            _ if s.len() <= 255 && (is_label(&s, true) || is_prefixed(&s, |b| b.is_ascii_alphanumeric())) => {
                Protocol::Other(s)
            }
            _ => {
                return Err(format!(
                    "`{}` is not a protocol: expected `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP`, a name of letters, digits and `-`, or `example.com/NAME`",
                    s.escape_debug()
                ));
            }
        })
    }
}

impl From<Protocol> for String {
    fn from(p: Protocol) -> String {
        p.as_str().to_string()
    }
}

impl JsonSchema for Protocol {
    fn schema_name() -> Cow<'static, str> {
        "Protocol".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Listener protocol: `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP`, or another the API's pattern allows (implementation-specific, e.g. `example.com/proto`; carried, not analyzed).",
            "type": "string",
            "maxLength": 255,
            "anyOf": [
                { "enum": ["HTTP", "HTTPS", "TLS", "TCP", "UDP"] },
                { "pattern": PROTOCOL_PATTERN }
            ]
        })
    }
}

impl AddressType {
    /// The type as the API writes it.
    pub fn as_str(&self) -> &str {
        match self {
            AddressType::Hostname => "Hostname",
            AddressType::IPAddress => "IPAddress",
            AddressType::Other(s) => s,
        }
    }
}

impl TryFrom<String> for AddressType {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        Ok(match s.as_str() {
            "Hostname" => AddressType::Hostname,
            "IPAddress" => AddressType::IPAddress,
            "NamedAddress" => AddressType::Other(s),
            _ if s.len() <= 253
                && is_prefixed(&s, |b| b.is_ascii_alphanumeric() || b"/-._~%!$&'()*+,;=:".contains(&b)) =>
            {
                AddressType::Other(s)
            }
            _ => {
                return Err(format!(
                    "`{}` is not an address type: expected `Hostname`, `IPAddress`, `NamedAddress` or `example.com/TYPE`",
                    s.escape_debug()
                ));
            }
        })
    }
}

impl From<AddressType> for String {
    fn from(t: AddressType) -> String {
        t.as_str().to_string()
    }
}

impl JsonSchema for AddressType {
    fn schema_name() -> Cow<'static, str> {
        "AddressType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Address type: `Hostname`, `IPAddress`, `NamedAddress`, or an implementation-specific `example.com/type` (carried, not analyzed).",
            "type": "string",
            "maxLength": 253,
            "anyOf": [
                { "enum": ["Hostname", "IPAddress", "NamedAddress"] },
                { "pattern": ADDRESS_TYPE_PATTERN }
            ]
        })
    }
}

/// A DNS label; `upper` also allows upper-case letters.
fn is_label(s: &str, upper: bool) -> bool {
    let ok = |b: u8| b.is_ascii_digit() || b.is_ascii_lowercase() || (upper && b.is_ascii_uppercase());
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => ok(first) && ok(last) && bytes.iter().all(|&b| ok(b) || b == b'-'),
        _ => false,
    }
}

/// `domain.example/REST`: a lower-case DNS subdomain, `/`, and a non-empty
/// rest of bytes that `rest` allows.
fn is_prefixed(s: &str, rest: impl Fn(u8) -> bool) -> bool {
    let Some((domain, tail)) = s.split_once('/') else {
        return false;
    };
    domain.split('.').all(|l| is_label(l, false)) && !tail.is_empty() && tail.bytes().all(rest)
}

/// A listener's certificate: a Secret (`name` or `namespace/name`), or an
/// object of another group and kind in the long form.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum CertificateRef {
    /// A Secret: `name` or `namespace/name`.
    Secret(String),
    /// Any kind: `{group, kind, name, namespace}`.
    Object(CertificateObject),
}

/// The long form of a certificate reference, with the API's field names.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CertificateObject {
    /// API group (`""`, the core group, by default).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// Kind (`Secret` by default).
    #[serde(default = "secret", skip_serializing_if = "is_secret")]
    pub kind: String,
    /// Name of the object.
    pub name: String,
    /// Namespace, when not the Gateway's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

fn secret() -> String {
    "Secret".into()
}

fn is_secret(kind: &String) -> bool {
    kind == "Secret"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_follow_the_api_pattern() {
        for ok in ["INVALID", "example.com/proto", "h2c-x", "HTTP"] {
            assert!(Protocol::try_from(ok.to_string()).is_ok(), "{ok}");
        }
        for bad in ["", "-x", "a b", "Example.com/p", "example.com/", "x/y-z", "a_b"] {
            assert!(Protocol::try_from(bad.to_string()).is_err(), "{bad}");
        }
        assert_eq!(Protocol::try_from("TLS".to_string()), Ok(Protocol::TLS));
    }

    #[test]
    fn address_types_follow_the_api_pattern() {
        assert!(AddressType::try_from("test/fake-invalid-type".to_string()).is_ok());
        assert!(AddressType::try_from("NamedAddress".to_string()).is_ok());
        assert!(AddressType::try_from("Other".to_string()).is_err());
    }
}
