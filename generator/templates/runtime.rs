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
#[derive(Clone, Debug, PartialEq)]
pub struct Collection<T> {
    /// The items on this page.
    pub value: Vec<T>,
    /// `@odata.context`
    pub odata_context: Option<String>,
    /// `@odata.count`, when `$count=true` was asked for.
    pub odata_count: Option<i64>,
    /// The URL of the next page, if there is one.
    pub odata_next_link: Option<String>,
    /// The delta link that ends a delta round.
    pub odata_delta_link: Option<String>,
    /// Anything else the service sent, kept so a round trip loses nothing.
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

impl<T: serde::de::DeserializeOwned> Collection<T> {
    fn from_fields(mut f: Fields) -> Result<Self, serde_json::Error> {
        let value = f.take("value")?;
        let missing = || serde::de::Error::missing_field("value");
        Ok(Collection {
            value: value.ok_or_else(missing)?,
            odata_context: f.take("@odata.context")?,
            odata_count: f.take("@odata.count")?,
            odata_next_link: f.take("@odata.nextLink")?,
            odata_delta_link: f.take("@odata.deltaLink")?,
            additional_properties: f.into_rest(),
        })
    }
}

impl<T: Serialize> Collection<T> {
    fn to_fields(&self) -> Result<serde_json::Map<String, serde_json::Value>, serde_json::Error> {
        let mut f = Fields::from_rest(&self.additional_properties);
        f.0.insert("value".to_string(), serde_json::to_value(&self.value)?);
        f.put("@odata.context", &self.odata_context)?;
        f.put("@odata.count", &self.odata_count)?;
        f.put("@odata.nextLink", &self.odata_next_link)?;
        f.put("@odata.deltaLink", &self.odata_delta_link)?;
        Ok(f.into_rest())
    }
}

impl<T: Serialize> Serialize for Collection<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_fields(self.to_fields(), serializer)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Collection<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_fields(deserializer, Self::from_fields)
    }
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

/// A JSON object on its way into or out of a generated struct: the non-generic half of the
/// struct's serde impls. Each struct's `from_fields` takes its properties out by JSON name
/// (what is left is its `additional_properties`); its `to_fields` puts them in.
pub struct Fields(serde_json::Map<String, serde_json::Value>);

impl Fields {
    /// Starts from the properties the docs do not describe.
    pub fn from_rest(rest: &serde_json::Map<String, serde_json::Value>) -> Self {
        Fields(rest.clone())
    }

    /// Removes and reads `key`; absent or `null` is `None`.
    pub fn take<T: serde::de::DeserializeOwned>(
        &mut self,
        key: &str,
    ) -> Result<Option<T>, serde_json::Error> {
        match self.0.remove(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value) => T::deserialize(value)
                .map(Some)
                .map_err(|e| serde::de::Error::custom(format_args!("`{key}`: {e}"))),
        }
    }

    /// Writes `key` when `value` is set (a documented property wins over an undocumented
    /// one of the same name).
    pub fn put<T: Serialize>(&mut self, key: &str, value: &Option<T>) -> Result<(), serde_json::Error> {
        if let Some(v) = value {
            self.0.insert(key.to_string(), serde_json::to_value(v)?);
        }
        Ok(())
    }

    /// The object as it stands.
    pub fn into_rest(self) -> serde_json::Map<String, serde_json::Value> {
        self.0
    }
}

/// `Deserialize` of every generated struct: the object is read once, then `read` (the
/// struct's non-generic `from_fields`) takes it apart.
pub fn deserialize_fields<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    read: fn(Fields) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error> {
    let object = serde_json::Map::deserialize(deserializer)?;
    read(Fields(object)).map_err(serde::de::Error::custom)
}

/// `Serialize` of every generated struct: writes the object its `to_fields` built.
pub fn serialize_fields<S: serde::Serializer>(
    fields: Result<serde_json::Map<String, serde_json::Value>, serde_json::Error>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    fields.map_err(serde::ser::Error::custom)?.serialize(serializer)
}
