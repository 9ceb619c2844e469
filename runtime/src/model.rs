//! Support for the generated models: dates and GUIDs kept as written, collection pages,
//! and the field tables every generated struct (de)serializes through.

use serde::{Deserialize, Serialize};
use std::any::Any;
use std::fmt;

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

/// A JSON object on its way into or out of a [`Collection`] (generated structs go through
/// [`Model`]): `from_fields` takes its members out by JSON name (what is left is its
/// `additional_properties`); `to_fields` puts them in.
struct Fields(serde_json::Map<String, serde_json::Value>);

impl Fields {
    /// Starts from the properties the docs do not describe.
    fn from_rest(rest: &serde_json::Map<String, serde_json::Value>) -> Self {
        Fields(rest.clone())
    }

    /// Removes and reads `key`; absent or `null` is `None`.
    fn take<T: serde::de::DeserializeOwned>(
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
    fn put<T: Serialize>(&mut self, key: &str, value: &Option<T>) -> Result<(), serde_json::Error> {
        if let Some(v) = value {
            self.0.insert(key.to_string(), serde_json::to_value(v)?);
        }
        Ok(())
    }

    /// The object as it stands.
    fn into_rest(self) -> serde_json::Map<String, serde_json::Value> {
        self.0
    }
}

/// A JSON object as a map (the `additional_properties` of every generated struct).
pub type Map = serde_json::Map<String, serde_json::Value>;

/// One optional field of a generated struct, seen through a trait object: what the shared
/// serde, `Clone`, `Debug` and `PartialEq` code of [`Model`] works with, so that no struct
/// needs a line of its own per field and per trait (see ARCHITECTURE.md, "Generated code").
pub trait Slot: Any {
    /// Whether the field holds a value.
    fn is_set(&self) -> bool;
    /// The value as JSON.
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error>;
    /// Replaces the value with `value` read as the field's type (`null` is `None`).
    fn read_json(&mut self, value: serde_json::Value) -> Result<(), serde_json::Error>;
    /// The value for `Debug` output.
    fn debug(&self) -> &dyn fmt::Debug;
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
    /// Equal to `other` (a slot of the same field of another value).
    fn eq_slot(&self, other: &dyn Slot) -> bool;
    /// Copies the value into `other` (a slot of the same field of another value).
    fn clone_into_slot(&self, other: &mut dyn Slot);
}

impl<T> Slot for Option<T>
where
    T: Serialize + serde::de::DeserializeOwned + fmt::Debug + PartialEq + Clone + 'static,
{
    fn is_set(&self) -> bool {
        self.is_some()
    }
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
    fn read_json(&mut self, value: serde_json::Value) -> Result<(), serde_json::Error> {
        *self = Option::<T>::deserialize(value)?;
        Ok(())
    }
    fn debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn eq_slot(&self, other: &dyn Slot) -> bool {
        same_slot(self, other)
    }
    fn clone_into_slot(&self, other: &mut dyn Slot) {
        copy_slot(self, other)
    }
}

/// `Slot::eq_slot` of every slot type: `other` holds the same type and an equal value.
fn same_slot<T: PartialEq + 'static>(value: &T, other: &dyn Slot) -> bool {
    other.as_any().downcast_ref::<T>() == Some(value)
}

/// `Slot::clone_into_slot` of every slot type.
fn copy_slot<T: Clone + 'static>(value: &T, other: &mut dyn Slot) {
    if let Some(other) = other.as_any_mut().downcast_mut::<T>() {
        other.clone_from(value);
    }
}

/// The undocumented properties of a generated struct (`additional_properties`), the slot
/// after its last field: set when not empty.
impl Slot for Map {
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        Ok(serde_json::Value::Object(self.clone()))
    }
    fn read_json(&mut self, value: serde_json::Value) -> Result<(), serde_json::Error> {
        *self = Map::deserialize(value)?;
        Ok(())
    }
    fn debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn eq_slot(&self, other: &dyn Slot) -> bool {
        same_slot(self, other)
    }
    fn clone_into_slot(&self, other: &mut dyn Slot) {
        copy_slot(self, other)
    }
}

/// A generated struct seen field by field. Every generated struct implements it with one
/// `match` from index to field (and one for writing); its `Serialize`, `Deserialize`,
/// `Clone`, `Debug` and `PartialEq` are one call each to the generic functions below, which
/// the compiler checks once for all structs.
pub trait Model: Default + 'static {
    /// The qualified OData name of the type (for a request body, the struct's name).
    const NAME: &'static str;
    /// The JSON names of the fields, in declaration order, `@odata.type` last.
    const FIELDS: &'static [&'static str];
    /// The field named `FIELDS[i]`; past the last, the undocumented properties
    /// (`additional_properties`, a [`Map`]).
    fn field(&self, i: usize) -> &dyn Slot;
    /// The field named `FIELDS[i]` (past the last, the undocumented properties), for writing.
    fn field_mut(&mut self, i: usize) -> &mut dyn Slot;
}

/// The undocumented properties of `model`.
fn rest<M: Model>(model: &M) -> Option<&Map> {
    model.field(M::FIELDS.len()).as_any().downcast_ref()
}

/// `Serialize` of a generated struct: the set fields and the undocumented properties, as one
/// JSON object (a documented property wins over an undocumented one of the same name).
pub fn serialize_model<M: Model, S: serde::Serializer>(
    model: &M,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    model_to_map(model)
        .map_err(serde::ser::Error::custom)?
        .serialize(serializer)
}

fn model_to_map<M: Model>(model: &M) -> Result<Map, serde_json::Error> {
    let mut object = rest(model).cloned().unwrap_or_default();
    for (i, name) in M::FIELDS.iter().enumerate() {
        let field = model.field(i);
        if field.is_set() {
            object.insert(name.to_string(), field.to_json()?);
        }
    }
    Ok(object)
}

/// `Deserialize` of a generated struct: the object is read once, each documented property
/// taken out by its JSON name (absent or `null` is `None`), the rest kept.
pub fn deserialize_model<'de, M: Model, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<M, D::Error> {
    let object = Map::deserialize(deserializer)?;
    model_from_map(object).map_err(serde::de::Error::custom)
}

fn model_from_map<M: Model>(mut object: Map) -> Result<M, serde_json::Error> {
    let mut model = M::default();
    for (i, name) in M::FIELDS.iter().enumerate() {
        if let Some(value) = object.remove(*name) {
            model
                .field_mut(i)
                .read_json(value)
                .map_err(|e| serde::de::Error::custom(format_args!("`{name}`: {e}")))?;
        }
    }
    if let Some(rest) = model
        .field_mut(M::FIELDS.len())
        .as_any_mut()
        .downcast_mut::<Map>()
    {
        *rest = object;
    }
    Ok(model)
}

/// `Clone` of a generated struct.
pub fn clone_model<M: Model>(model: &M) -> M {
    let mut copy = M::default();
    for i in 0..=M::FIELDS.len() {
        model.field(i).clone_into_slot(copy.field_mut(i));
    }
    copy
}

/// `PartialEq` of a generated struct: every field and the undocumented properties equal.
pub fn eq_model<M: Model>(a: &M, b: &M) -> bool {
    (0..=M::FIELDS.len()).all(|i| a.field(i).eq_slot(b.field(i)))
}

/// `Debug` of a generated struct: the type's name, the set fields by JSON name, and the
/// undocumented properties when there are any.
pub fn debug_model<M: Model>(model: &M, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut out = f.debug_struct(M::NAME);
    for (i, name) in M::FIELDS.iter().enumerate() {
        let field = model.field(i);
        if field.is_set() {
            out.field(name, field.debug());
        }
    }
    let rest = model.field(M::FIELDS.len());
    if rest.is_set() {
        out.field("additional_properties", rest.debug());
    }
    out.finish()
}

/// A value of any generated struct, behind a trait object: what a polymorphic `Any...` enum
/// hands out (`as_object`), and how its `Serialize`, `Debug` and `PartialEq` are written
/// without a `match` arm per variant each.
pub trait Object: Any {
    /// The qualified OData name of the value's type.
    fn type_name(&self) -> &'static str;
    /// The value as a JSON object.
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error>;
    /// The value for `Debug` output.
    fn debug(&self) -> &dyn fmt::Debug;
    fn as_any(&self) -> &dyn Any;
    /// Of the same type and equal.
    fn eq_object(&self, other: &dyn Object) -> bool;
}

impl<M: Model + fmt::Debug + PartialEq> Object for M {
    fn type_name(&self) -> &'static str {
        M::NAME
    }
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        model_to_map(self).map(serde_json::Value::Object)
    }
    fn debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn eq_object(&self, other: &dyn Object) -> bool {
        other.as_any().downcast_ref::<M>() == Some(self)
    }
}

/// `Serialize` of an `Any...` enum: the value it holds, as it came.
pub fn serialize_object<S: serde::Serializer>(
    value: &dyn Object,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value
        .to_json()
        .map_err(serde::ser::Error::custom)?
        .serialize(serializer)
}

/// One arm of an `Any...` enum's `from_json`: reads `value` as `T` and wraps it in the
/// variant `wrap`.
pub fn read_boxed<T: Model, E>(
    value: serde_json::Value,
    wrap: fn(Box<T>) -> E,
) -> Result<E, serde_json::Error> {
    let object = Map::deserialize(value)?;
    model_from_map(object).map(|model| wrap(Box::new(model)))
}

/// `Deserialize` of a [`Collection`]: the object is read once, then `read` (its
/// `from_fields`) takes it apart.
fn deserialize_fields<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    read: fn(Fields) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error> {
    let object = serde_json::Map::deserialize(deserializer)?;
    read(Fields(object)).map_err(serde::de::Error::custom)
}

/// `Serialize` of a [`Collection`]: writes the object its `to_fields` built.
fn serialize_fields<S: serde::Serializer>(
    fields: Result<serde_json::Map<String, serde_json::Value>, serde_json::Error>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    fields
        .map_err(serde::ser::Error::custom)?
        .serialize(serializer)
}
