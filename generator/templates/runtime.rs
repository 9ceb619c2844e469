//! Support types shared by all generated models. Written by hand (in the doc2rs
//! repository, `generator/templates/runtime.rs`) and copied verbatim into every SDK.

use serde::{Deserialize, Serialize};

/// An ISO 8601 date and time (`Edm.DateTimeOffset`), kept exactly as the service wrote it
/// (seven fractional digits, offsets and all) so a round trip is lossless.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DateTimeOffset(pub String);

/// An ISO 8601 calendar date (`Edm.Date`), kept as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Date(pub String);

/// A time of day (`Edm.TimeOfDay`), kept as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TimeOfDay(pub String);

/// An ISO 8601 duration (`Edm.Duration`, e.g. `P1DT2H`), kept as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Duration(pub String);

/// A GUID (`Edm.Guid`), kept as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Guid(pub String);

/// Base64-encoded binary data (`Edm.Binary`), kept as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Base64(pub String);

impl DateTimeOffset {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Date {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TimeOfDay {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Duration {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Guid {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Base64 {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One page of a collection response: `{"value": [...], "@odata.nextLink": ...}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Collection<T> {
    /// The items on this page.
    pub value: Vec<T>,
    /// `@odata.context`
    #[serde(rename = "@odata.context", skip_serializing_if = "Option::is_none")]
    pub odata_context: Option<String>,
    /// `@odata.count`, when `$count=true` was asked for.
    #[serde(rename = "@odata.count", skip_serializing_if = "Option::is_none")]
    pub odata_count: Option<i64>,
    /// The URL of the next page, if there is one.
    #[serde(rename = "@odata.nextLink", skip_serializing_if = "Option::is_none")]
    pub odata_next_link: Option<String>,
    /// The delta link that ends a delta round.
    #[serde(rename = "@odata.deltaLink", skip_serializing_if = "Option::is_none")]
    pub odata_delta_link: Option<String>,
    /// Anything else the service sent, kept so a round trip loses nothing.
    #[serde(flatten)]
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            value: Vec::new(),
            odata_context: None,
            odata_count: None,
            odata_next_link: None,
            odata_delta_link: None,
            additional_properties: serde_json::Map::new(),
        }
    }
}

/// The `@odata.type` of a JSON object, without the leading `#` and lower-cased (type names
/// are unique regardless of case), or an empty string. Used by the generated `Any...` enums
/// to pick the variant.
pub fn odata_type_key(value: &serde_json::Value) -> String {
    value
        .get("@odata.type")
        .and_then(serde_json::Value::as_str)
        .map(|t| t.trim_start_matches('#').to_ascii_lowercase())
        .unwrap_or_default()
}
