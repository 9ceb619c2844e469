//! Support for the generated models: dates and GUIDs kept as written, collection pages,
//! and the field tables every generated struct (de)serializes through.

use crate::json_write;
use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
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

/// The JSON names of a [`Collection`]'s members, in the order they are written.
const PAGE_FIELDS: [&str; 5] = [
    "@odata.context",
    "@odata.count",
    "@odata.deltaLink",
    "@odata.nextLink",
    "value",
];

/// `Serialize` of a [`Collection`]: its members written straight to the serializer, then
/// the undocumented properties whose names are not set members.
impl<T: Serialize> Serialize for Collection<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(v) = &self.odata_context {
            map.serialize_entry(PAGE_FIELDS[0], v)?;
        }
        if let Some(v) = &self.odata_count {
            map.serialize_entry(PAGE_FIELDS[1], v)?;
        }
        if let Some(v) = &self.odata_delta_link {
            map.serialize_entry(PAGE_FIELDS[2], v)?;
        }
        if let Some(v) = &self.odata_next_link {
            map.serialize_entry(PAGE_FIELDS[3], v)?;
        }
        map.serialize_entry(PAGE_FIELDS[4], &self.value)?;
        for (key, value) in &self.additional_properties {
            let set = match PAGE_FIELDS.iter().position(|f| f == key) {
                Some(0) => self.odata_context.is_some(),
                Some(1) => self.odata_count.is_some(),
                Some(2) => self.odata_delta_link.is_some(),
                Some(3) => self.odata_next_link.is_some(),
                Some(_) => true,
                None => false,
            };
            if !set {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// `Deserialize` of a [`Collection`]: its members read straight from the deserializer
/// (absent or `null` is `None`; `value` is required), the rest kept as JSON values; a
/// repeated member, the last one.
impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Collection<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PageVisitor(std::marker::PhantomData))
    }
}

struct PageVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::de::DeserializeOwned> Visitor<'de> for PageVisitor<T> {
    type Value = Collection<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Collection<T>, A::Error> {
        let mut page = Collection::default();
        let mut value = None;
        let keys = KeySeed {
            fields: &PAGE_FIELDS,
            table: None,
        };
        while let Some(key) = map.next_key_seed(keys)? {
            let i = match key {
                Key::Field(i) => i,
                Key::Other(name) => {
                    let v = map.next_value()?;
                    page.additional_properties.insert(name, v);
                    continue;
                }
            };
            let read = match i {
                0 => map.next_value().map(|v| page.odata_context = v),
                1 => map.next_value().map(|v| page.odata_count = v),
                2 => map.next_value().map(|v| page.odata_delta_link = v),
                3 => map.next_value().map(|v| page.odata_next_link = v),
                _ => map.next_value().map(|v| value = v),
            };
            read.map_err(|e| field_error(PAGE_FIELDS[i], e))?;
        }
        page.value = value.ok_or_else(|| serde::de::Error::missing_field("value"))?;
        Ok(page)
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
/// are unique regardless of case), or an empty string: the key an `Any...` enum's variants
/// are matched by (see [`deserialize_any`], which reads it as the object streams by).
pub fn odata_type_key(value: &serde_json::Value) -> String {
    value
        .get("@odata.type")
        .and_then(serde_json::Value::as_str)
        .map(|t| t.trim_start_matches('#').to_ascii_lowercase())
        .unwrap_or_default()
}

/// A JSON object as a map (the `additional_properties` of every generated struct).
pub type Map = serde_json::Map<String, serde_json::Value>;

/// One optional field of a generated struct, seen through a trait object: what the shared
/// serde, `Clone`, `Debug` and `PartialEq` code of [`Model`] works with, so that no struct
/// needs a line of its own per field and per trait (see doc2rs's `bench/generated-code.md`).
///
/// Reading goes straight from the deserializer into the field: [`deserialize_model`] hands
/// each value to its slot through one of the `read_*` methods, a method per deserializer
/// this crate knows (serde_json reading bytes or a string, a `serde_json::Value`), so the
/// field's own `Deserialize` runs on the concrete deserializer; any other deserializer is
/// reached through `erased_serde`.
pub trait Slot: Any + sealed::Sealed {
    /// Whether the field holds a value.
    fn is_set(&self) -> bool;
    /// The value as JSON.
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error>;
    /// Replaces the value with `value` read as the field's type (`null` is `None`).
    fn read_json(&mut self, value: serde_json::Value) -> Result<(), serde_json::Error>;
    /// Replaces the value with the one `de` (serde_json reading bytes) is at.
    #[doc(hidden)]
    fn read_slice<'de>(
        &mut self,
        de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    ) -> Result<(), serde_json::Error>;
    /// Replaces the value with the one `de` (serde_json reading a string) is at.
    #[doc(hidden)]
    fn read_str<'de>(
        &mut self,
        de: &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    ) -> Result<(), serde_json::Error>;
    /// Replaces the value with the one `de` (any other deserializer) is at.
    #[doc(hidden)]
    fn read_erased<'de>(
        &mut self,
        de: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error>;
    /// The value, to serialize (when set; `null` otherwise).
    #[doc(hidden)]
    fn as_serialize(&self) -> &dyn erased_serde::Serialize;
    /// Writes the value (when set; `null` otherwise) with `ser` (serde_json writing to a
    /// `Vec<u8>`).
    #[doc(hidden)]
    fn write_vec(
        &self,
        ser: &mut serde_json::Serializer<&mut Vec<u8>>,
    ) -> Result<(), serde_json::Error>;
    /// The value for `Debug` output.
    fn debug(&self) -> &dyn fmt::Debug;
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
    /// The function that writes a slot of this type given its address, which the serde_json
    /// writer calls without the trait object (see the type's layout): one call that tests
    /// the field and, when set, writes its key and value. It is only ever called with the
    /// address of a value of the type `self` is.
    #[doc(hidden)]
    fn write_at(&self) -> WriteAt;
    /// The slot of this slot's type at an address, for writing: how the shared code gets a
    /// `&mut dyn Slot` of a field without a `field_mut` per struct (see [`Model`]).
    #[doc(hidden)]
    fn at_mut(&self) -> AtMut;
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
    fn read_slice<'de>(
        &mut self,
        de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    ) -> Result<(), serde_json::Error> {
        *self = Option::<T>::deserialize(de)?;
        Ok(())
    }
    fn read_str<'de>(
        &mut self,
        de: &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    ) -> Result<(), serde_json::Error> {
        *self = Option::<T>::deserialize(de)?;
        Ok(())
    }
    fn read_erased<'de>(
        &mut self,
        de: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        *self = erased_serde::deserialize::<Option<T>>(de)?;
        Ok(())
    }
    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        match self {
            Some(value) => value,
            None => self,
        }
    }
    fn write_vec(
        &self,
        ser: &mut serde_json::Serializer<&mut Vec<u8>>,
    ) -> Result<(), serde_json::Error> {
        match self {
            Some(value) => value.serialize(ser),
            None => serde::Serializer::serialize_unit(ser),
        }
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
    fn write_at(&self) -> WriteAt {
        WriteAt::some::<T>()
    }
    fn at_mut(&self) -> AtMut {
        slot_at::<Self>
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

/// A [`Slot::write_at`]: the function that writes a slot of one type given its address
/// (`write`), and that type (`ty`). Made only here, for the slot types of this crate, so
/// its type is the one the function reads.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct WriteAt {
    ty: std::any::TypeId,
    write: WriteFn,
}

/// Writes the key (the field's escaped name between its separator and the colon) and the
/// value of the slot at the address to the bytes of an object when the slot is set, and
/// says whether it was.
///
/// # Safety
///
/// The address is that of a live value of the type of the [`WriteAt`] it came from.
type WriteFn = unsafe fn(*const u8, &[u8], &mut Vec<u8>) -> Result<bool, serde_json::Error>;

/// A [`Slot::at_mut`]: the slot at an address, as a pointer to a trait object of the
/// type the function is for. Dereferencing it is up to the caller: the address must be that of a
/// live value of that type.
#[doc(hidden)]
pub type AtMut = fn(*mut u8) -> *mut dyn Slot;

/// The [`AtMut`] of the slot type `T`.
fn slot_at<T: Slot>(at: *mut u8) -> *mut dyn Slot {
    at.cast::<T>()
}

/// The slot types: `Option<T>` (a field) and [`Map`] (the undocumented properties). No
/// other type can be a [`Slot`], so that a slot's [`Slot::at_mut`] and [`Slot::write_at`]
/// are always those of its own type (the shared code dereferences what they give).
mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for Option<T> {}
    impl Sealed for super::Map {}
}

impl WriteAt {
    /// The [`WriteAt`] of an `Option<T>`.
    fn some<T: Serialize + 'static>() -> WriteAt {
        WriteAt {
            ty: std::any::TypeId::of::<Option<T>>(),
            write: write_some_at::<T>,
        }
    }

    /// The [`WriteAt`] of a [`Map`].
    fn map() -> WriteAt {
        WriteAt {
            ty: std::any::TypeId::of::<Map>(),
            write: write_filled_at,
        }
    }
}

/// The [`WriteFn`] of an `Option<T>`.
///
/// # Safety
///
/// `at` is the address of a live `Option<T>`.
unsafe fn write_some_at<T: Serialize>(
    at: *const u8,
    key: &[u8],
    out: &mut Vec<u8>,
) -> Result<bool, serde_json::Error> {
    // SAFETY: the caller's.
    match unsafe { &*at.cast::<Option<T>>() } {
        Some(value) => {
            out.extend_from_slice(key);
            serde_json::to_writer(out, value).map(|()| true)
        }
        None => Ok(false),
    }
}

/// The [`WriteFn`] of a [`Map`].
///
/// # Safety
///
/// `at` is the address of a live [`Map`].
unsafe fn write_filled_at(
    at: *const u8,
    key: &[u8],
    out: &mut Vec<u8>,
) -> Result<bool, serde_json::Error> {
    // SAFETY: the caller's.
    let value = unsafe { &*at.cast::<Map>() };
    match value.is_empty() {
        true => Ok(false),
        false => {
            out.extend_from_slice(key);
            json_write::write_map(out, value).map(|()| true)
        }
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
    fn read_slice<'de>(
        &mut self,
        de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    ) -> Result<(), serde_json::Error> {
        *self = Map::deserialize(de)?;
        Ok(())
    }
    fn read_str<'de>(
        &mut self,
        de: &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    ) -> Result<(), serde_json::Error> {
        *self = Map::deserialize(de)?;
        Ok(())
    }
    fn read_erased<'de>(
        &mut self,
        de: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        *self = erased_serde::deserialize::<Map>(de)?;
        Ok(())
    }
    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }
    fn write_vec(
        &self,
        ser: &mut serde_json::Serializer<&mut Vec<u8>>,
    ) -> Result<(), serde_json::Error> {
        self.serialize(ser)
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
    fn write_at(&self) -> WriteAt {
        WriteAt::map()
    }
    fn at_mut(&self) -> AtMut {
        slot_at::<Self>
    }
    fn eq_slot(&self, other: &dyn Slot) -> bool {
        same_slot(self, other)
    }
    fn clone_into_slot(&self, other: &mut dyn Slot) {
        copy_slot(self, other)
    }
}

/// A generated struct seen field by field. Every generated struct implements it with one
/// `match` from index to field; its `Serialize`, `Deserialize`,
/// `Clone`, `Debug` and `PartialEq` are one call each to the generic functions below, which
/// the compiler checks once for all structs.
///
/// # Safety
///
/// `field(i)` is a plain projection of `self`: for each `i` it returns a reference to the
/// same field of `self` (`&self.f`) whatever the value, never one to anything else (a part
/// of a field, a static, a value computed on the fly). The shared code relies on it:
/// - for writing a field there is no `field_mut`: the field's slot is taken at the same
///   offset in a `&mut Self` (through its [`Slot::at_mut`]), so a struct needs one `match`,
///   not two (a seventh of the SDK's `cargo check` memory);
/// - the serde_json writer learns each field's offset within `Self` and type once, from a
///   `Default` value, and reads the fields of other values at those offsets without calling
///   `field` (the per-type layout of the serde_json writer).
pub unsafe trait Model: Default + 'static {
    /// The qualified OData name of the type (for a request body, the struct's name).
    const NAME: &'static str;
    /// The JSON names of the fields, in declaration order, `@odata.type` last.
    const FIELDS: &'static [&'static str];
    /// The field named `FIELDS[i]`; past the last, the undocumented properties
    /// (`additional_properties`, a [`Map`]).
    fn field(&self, i: usize) -> &dyn Slot;
}

/// A [`Model`] as a trait object (`Model` has constants and is not one): what the serde
/// code shared by all models works on, so that it is compiled once per serializer or
/// deserializer, not once per model.
///
/// Its one impl is the one for every [`Model`] below: `located` gives that model's table
/// and the address of the value (what [`Laid`] relies on).
trait Fields {
    fn slot(&self, i: usize) -> &dyn Slot;
    fn slot_mut(&mut self, i: usize) -> &mut dyn Slot;
    /// The JSON names of the fields ([`Model::FIELDS`]).
    fn names(&self) -> &'static [&'static str];
    /// The model's table ([`table_of`]) and the address of the value.
    fn located(&self) -> (&'static Table, *const u8);
    /// Calls `f` with each set field (not the undocumented properties) and its index, in
    /// order, while `f` returns `true`. (The loop is compiled per model, with `field`'s
    /// `match` inlined: one virtual call per field, `is_set`.)
    fn each_set(&self, f: &mut dyn FnMut(usize, &dyn Slot) -> bool);
}

impl<M: Model> Fields for M {
    fn slot(&self, i: usize) -> &dyn Slot {
        self.field(i)
    }
    fn slot_mut(&mut self, i: usize) -> &mut dyn Slot {
        let (offset, at_mut) = {
            let slot = self.field(i);
            let at = (slot as *const dyn Slot).addr();
            let offset = at.wrapping_sub((self as *const M).addr());
            let inside = offset
                .checked_add(std::mem::size_of_val(slot))
                .is_some_and(|end| end <= std::mem::size_of::<M>());
            assert!(
                inside,
                "`{}::field({i})` is not a field of the value",
                M::NAME
            );
            (offset, slot.at_mut())
        };
        let base = (self as *mut M).cast::<u8>();
        // SAFETY: by `Model`'s contract `field(i)` is the field of `self` at `offset` (checked
        // to lie within `self`), so `base + offset` is in bounds, aligned and a live value of
        // the slot's type; `at_mut` is that type's own (`Slot` is sealed: its impls give
        // `slot_at::<Self>`). The pointer is derived from `&mut self`, borrowed as long.
        unsafe { &mut *at_mut(base.add(offset)) }
    }
    fn names(&self) -> &'static [&'static str] {
        M::FIELDS
    }
    fn located(&self) -> (&'static Table, *const u8) {
        (table_of::<M>(), (self as *const M).cast())
    }
    fn each_set(&self, f: &mut dyn FnMut(usize, &dyn Slot) -> bool) {
        for i in 0..M::FIELDS.len() {
            let slot = self.field(i);
            if slot.is_set() && !f(i, slot) {
                return;
            }
        }
    }
}

/// A model, to serialize.
#[derive(Clone, Copy)]
#[doc(hidden)]
pub struct ModelRef<'a>(&'a dyn Fields);

/// `Serialize` of a generated struct: the set fields in declaration order, then the
/// undocumented properties, as one JSON object written straight to the serializer (an
/// undocumented property named as a set field is left out: the field wins).
pub fn serialize_model<M: Model, S: serde::Serializer>(
    model: &M,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    // The table and the layout straight from `M` (no virtual call to find them).
    ModelRef(model).serialize_laid(Laid::of_model(model), serializer)
}

impl Serialize for ModelRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_laid(Laid::of(self.0), serializer)
    }
}

impl ModelRef<'_> {
    /// [`Serialize`] given the model's table and [`Laid`]: on serde_json writing to a
    /// `Vec<u8>` by [`ModelRef::write_laid`], on any other serializer as a map.
    fn serialize_laid<S: serde::Serializer>(
        &self,
        (table, laid): (&'static Table, Option<Laid<'_>>),
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match cast::<S, &mut serde_json::Serializer<&mut Vec<u8>>>(serializer) {
            Ok(json) => Self::write_laid(self.0, table, laid, json)
                .map(same)
                .map_err(json_ser_error),
            Err(serializer) => self.serialize_map(serializer),
        }
    }

    /// [`Serialize`] as a map of the set fields on any serializer, each field's value
    /// through its slot ([`SlotValue`]).
    fn serialize_map<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let model = self.0;
        let (fields, table) = (model.names(), model.located().0);
        let mut map = serializer.serialize_map(None)?;
        let mut failed = None;
        model.each_set(
            &mut |i, slot| match map.serialize_entry(fields[i], &SlotValue(slot)) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            },
        );
        if let Some(e) = failed {
            return Err(e);
        }
        if let Some(rest) = model.slot(fields.len()).as_any().downcast_ref::<Map>() {
            for (key, value) in rest {
                match table.find(fields, key) {
                    Some(i) if model.slot(i).is_set() => {}
                    _ => map.serialize_entry(key, value)?,
                }
            }
        }
        map.end()
    }

    /// [`Serialize`] on serde_json writing to a `Vec<u8>` (`to_vec`, `to_string`, ...): the
    /// object's bytes written to a spare buffer, the fields read at their offsets by the
    /// type's [`Layout`] (the common types tested and written inline with their names
    /// escaped once per type, the others by a call of their type's own writer), then handed
    /// to serde_json whole ([`json_write::emit`]); a model without a layout (or a serde_json
    /// that does not take bytes as they are) as a map.
    fn write_laid(
        model: &dyn Fields,
        table: &'static Table,
        laid: Option<Laid<'_>>,
        json: &mut serde_json::Serializer<&mut Vec<u8>>,
    ) -> Result<(), serde_json::Error> {
        match laid {
            Some(laid) if json_write::raw_works() => json_write::with_buffer(|out| {
                laid.write_object(table, out)?;
                json_write::emit(json, out)
            }),
            _ => ModelRef(model).serialize_map(json),
        }
    }
}

/// The most fields a [`Layout`] is learned for (the bits of [`SetFields`]); a type with more
/// is written field by field.
const MAX_LAID_OUT: usize = 512;

/// Which fields of a model are set: a bit per field index.
#[derive(Default)]
struct SetFields([u64; MAX_LAID_OUT / 64]);

impl SetFields {
    /// Sets the bits of the fields `64 * w` to `64 * w + 63` that are set in `bits` (none
    /// past the last word).
    fn put_word(&mut self, w: usize, bits: u64) {
        if let Some(word) = self.0.get_mut(w) {
            *word |= bits;
        }
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

/// The type of a field, as far as the serde_json writer reads it without a call: the
/// common ones (tested and written inline) and the rest (`Other`, through [`Slot`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Str,
    Bool,
    I32,
    I64,
    F64,
    Strs,
    DateTime,
    Date,
    Guid,
    Guids,
    Other,
}

impl Kind {
    /// The kind of a field of the type `id` (a slot's `as_any().type_id()`).
    fn of(id: std::any::TypeId) -> Kind {
        use std::any::TypeId;
        let kinds = [
            (TypeId::of::<Option<String>>(), Kind::Str),
            (TypeId::of::<Option<bool>>(), Kind::Bool),
            (TypeId::of::<Option<i32>>(), Kind::I32),
            (TypeId::of::<Option<i64>>(), Kind::I64),
            (TypeId::of::<Option<f64>>(), Kind::F64),
            (TypeId::of::<Option<Vec<String>>>(), Kind::Strs),
            (TypeId::of::<Option<DateTimeOffset>>(), Kind::DateTime),
            (TypeId::of::<Option<Date>>(), Kind::Date),
            (TypeId::of::<Option<Guid>>(), Kind::Guid),
            (TypeId::of::<Option<Vec<Guid>>>(), Kind::Guids),
        ];
        kinds
            .iter()
            .find(|(k, _)| *k == id)
            .map_or(Kind::Other, |(_, kind)| *kind)
    }
}

/// Where a model's fields are within the struct and what type the common ones have, learned
/// once per type from a `Default` value ([`Layout::learn`], relying on [`Model`]'s
/// contract): lets the serde_json writer find the set fields without a call per field.
struct Layout {
    /// The JSON names of the fields ([`Model::FIELDS`]).
    names: &'static [&'static str],
    /// The offset of the undocumented properties (the slot past the last field) when they
    /// are a [`Map`], as in every generated struct.
    rest: Option<u32>,
    /// Per field, in `FIELDS` order.
    fields: Box<[Field]>,
}

/// A field of a [`Layout`].
struct Field {
    /// `,"name":`, the name as serde_json writes it between its separator and the colon.
    key: Box<[u8]>,
    /// Its offset within the struct.
    offset: u32,
    kind: Kind,
    /// Its type's [`Slot::write_at`] (called for the `Other` fields: one call that tests
    /// and writes, no trait object).
    write: WriteFn,
}

impl Layout {
    /// The layout of `M`, or `None` when a field is not where a projection would be (within
    /// `M`) or `M` has over [`MAX_LAID_OUT`] fields.
    fn learn<M: Model>() -> Option<Layout> {
        let n = M::FIELDS.len();
        if n > MAX_LAID_OUT {
            return None;
        }
        let model = M::default();
        let base = (&model as *const M).addr();
        let size = std::mem::size_of::<M>();
        let mut fields = Vec::with_capacity(n);
        let mut rest = None;
        for i in 0..=n {
            let slot = model.field(i);
            let (at, len) = (
                (slot as *const dyn Slot).addr(),
                std::mem::size_of_val(slot),
            );
            // The type is the one at the slot's own address (a safe `Slot` impl could hand
            // out another value as its `Any`): else the kind is `Other`.
            let any = slot.as_any();
            let id = match (any as *const dyn Any).addr() == at {
                true => any.type_id(),
                false => std::any::TypeId::of::<()>(),
            };
            let write = slot.write_at();
            let offset = at.checked_sub(base)?;
            if offset.checked_add(len)? > size {
                return None;
            }
            let offset = u32::try_from(offset).ok()?;
            if i == n {
                rest = (id == std::any::TypeId::of::<Map>()).then_some(offset);
                break;
            }
            // The writer is the one of the type at the slot's address (a safe `Slot` impl
            // could hand out another type's).
            if write.ty != id {
                return None;
            }
            let mut key = vec![b','];
            json_write::write_str(&mut key, M::FIELDS[i]);
            key.push(b':');
            fields.push(Field {
                key: key.into(),
                offset,
                kind: Kind::of(id),
                write: write.write,
            });
        }
        Some(Layout {
            names: M::FIELDS,
            rest,
            fields: fields.into(),
        })
    }
}

/// A model with its [`Layout`]: reads its fields at their offsets.
#[derive(Clone, Copy)]
struct Laid<'a> {
    model: &'a dyn Fields,
    /// The address of the value (from `model.located()`, or the `&M` itself).
    base: *const u8,
    layout: &'static Layout,
}

impl<'a> Laid<'a> {
    /// `model`'s table, and `model` with the layout in it, if its type has one.
    fn of(model: &'a dyn Fields) -> (&'static Table, Option<Laid<'a>>) {
        let (table, base) = model.located();
        let laid = table.layout.as_ref().map(|layout| Laid {
            model,
            base,
            layout,
        });
        (table, laid)
    }

    /// [`Laid::of`] of a model of a known type.
    fn of_model<M: Model>(model: &'a M) -> (&'static Table, Option<Laid<'a>>) {
        let table = table_of::<M>();
        let laid = table.layout.as_ref().map(|layout| Laid {
            model,
            base: (model as *const M).cast(),
            layout,
        });
        (table, laid)
    }

    /// The undocumented properties.
    fn rest(&self) -> Option<&'a Map> {
        match self.layout.rest {
            // SAFETY: the slot at `offset` is a `Map` (`Layout::learn` checked its type).
            Some(offset) => Some(unsafe { self.at::<Map>(offset) }),
            None => {
                let rest = self.model.slot(self.layout.names.len());
                rest.as_any().downcast_ref::<Map>()
            }
        }
    }

    /// The field at `offset`, of type `T`.
    ///
    /// # Safety
    ///
    /// `offset` and `T` are those of a field in `self.layout` (of kind `T`'s).
    unsafe fn at<T>(&self, offset: u32) -> &'a T {
        // SAFETY: `self.layout` was learned from the model's own type (`Laid::of` takes it
        // with `self.base` from `model.located()`, which in `Fields`' one impl gives the
        // table of the type and the address of the value; `Laid::of_model` takes both from
        // the `&M`), and by `Model`'s contract each field is at the same offset in every
        // value; `Layout::learn` checked the field lies within the value, and the caller
        // that the type is the field's (its kind is that type's `TypeId`). So the pointer is
        // in bounds, aligned and to an initialized `T` borrowed for `'a`.
        unsafe { &*self.base.add(offset as usize).cast::<T>() }
    }

    /// Writes the object to `out`: the set fields in declaration order (each tested where
    /// it is written, so the tests' loads overlap the writing), then the undocumented
    /// properties not named as a set field.
    fn write_object(&self, table: &Table, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        fn strings<T>(
            out: &mut Vec<u8>,
            values: &[T],
            text: impl Fn(&T) -> &str,
        ) -> Result<(), serde_json::Error> {
            json_write::write_list(out, values, |out, value| {
                json_write::write_str(out, text(value));
                Ok(())
            })
        }
        out.push(b'{');
        // Which fields are set, one word of bits kept in a register while it is filled
        // (setting them in `set` would read and write the same word field after field).
        let mut set = SetFields::default();
        let mut bits = 0u64;
        // 1 until a field is written: the first key is written without its separator.
        let mut first = 1;
        for (i, field) in self.layout.fields.iter().enumerate() {
            let (offset, key) = (field.offset, &field.key[first..]);
            macro_rules! put {
                ($ty:ty, |$value:ident| $write:expr) => {
                    match self.at::<Option<$ty>>(offset) {
                        Some($value) => {
                            out.extend_from_slice(key);
                            $write;
                            true
                        }
                        None => false,
                    }
                };
            }
            // SAFETY (each `at`, and `write`): the type is the one of the field's kind
            // (`Kind::of`); `write` is the field's own type's (`Layout::learn` checked its
            // type), called with the field's address.
            let written = unsafe {
                match field.kind {
                    Kind::Str => put!(String, |value| json_write::write_str(out, value)),
                    Kind::Bool => put!(bool, |value| out.extend_from_slice(match value {
                        true => b"true",
                        false => b"false",
                    })),
                    Kind::I32 => put!(i32, |value| serde_json::to_writer(&mut *out, value)?),
                    Kind::I64 => put!(i64, |value| serde_json::to_writer(&mut *out, value)?),
                    Kind::F64 => put!(f64, |value| serde_json::to_writer(&mut *out, value)?),
                    Kind::Strs => put!(Vec<String>, |value| strings(out, value, |s| s)?),
                    Kind::DateTime => {
                        put!(DateTimeOffset, |value| json_write::write_str(out, &value.0))
                    }
                    Kind::Date => put!(Date, |value| json_write::write_str(out, &value.0)),
                    Kind::Guid => put!(Guid, |value| json_write::write_str(out, &value.0)),
                    Kind::Guids => put!(Vec<Guid>, |value| strings(out, value, |g| &g.0)?),
                    Kind::Other => (field.write)(self.base.add(offset as usize), key, out)?,
                }
            };
            first &= usize::from(!written);
            bits |= u64::from(written) << (i % 64);
            if i % 64 == 63 {
                set.put_word(i / 64, bits);
                bits = 0;
            }
        }
        set.put_word(self.layout.fields.len() / 64, bits);
        if let Some(rest) = self.rest() {
            for (key, value) in rest {
                match table.find(self.layout.names, key) {
                    Some(i) if set.get(i) => {}
                    _ => {
                        if first == 0 {
                            out.push(b',');
                        }
                        first = 0;
                        json_write::write_str(out, key);
                        out.push(b':');
                        json_write::write_value(out, value)?;
                    }
                }
            }
        }
        out.push(b'}');
        Ok(())
    }
}

/// A set field's value, written on the concrete serializer when it is one the slot has a
/// method for (serde_json writing to a `Vec<u8>`: `to_vec`, `to_string`, `to_writer` on a
/// `&mut Vec<u8>`; `serde_json::to_value`), else through `erased_serde`.
struct SlotValue<'a>(&'a dyn Slot);

impl Serialize for SlotValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let slot = self.0;
        let s = match cast::<S, &mut serde_json::Serializer<&mut Vec<u8>>>(serializer) {
            Ok(json) => return slot.write_vec(json).map(same).map_err(json_ser_error),
            Err(s) => s,
        };
        let s = match cast::<S, serde_json::value::Serializer>(s) {
            Ok(_) => return slot.to_json().map(same).map_err(json_ser_error),
            Err(s) => s,
        };
        slot.as_serialize().serialize(s)
    }
}

/// A value of a type known (by [`cast`]) to be `To` already.
fn same<From, To>(value: From) -> To {
    match cast::<From, To>(value) {
        Ok(value) => value,
        Err(_) => unreachable!("`same` of different types"),
    }
}

/// A serde_json error as the serializer's error (the same type when it is serde_json's).
fn json_ser_error<E: serde::ser::Error>(error: serde_json::Error) -> E {
    cast::<serde_json::Error, E>(error).unwrap_or_else(E::custom)
}

/// `Deserialize` of a generated struct: each member of the object is read straight into
/// its field (absent or `null` is `None`), found by its JSON name in a table built once per
/// type; members the docs do not describe are kept in `additional_properties`. A member
/// that appears twice: the last one counts (as when the object went through a map). An
/// error names the member (`` `name`: ... ``).
pub fn deserialize_model<'de, M: Model, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<M, D::Error> {
    let mut model = M::default();
    deserialize_into(&mut model, deserializer)?;
    Ok(model)
}

/// [`deserialize_model`] into a value in place (a default one).
fn deserialize_into<'de, M: Model, D: serde::Deserializer<'de>>(
    model: &mut M,
    deserializer: D,
) -> Result<(), D::Error> {
    deserializer.deserialize_map(ModelVisitor {
        model,
        keys: KeySeed {
            fields: M::FIELDS,
            table: Some(table_of::<M>()),
        },
    })
}

struct ModelVisitor<'a> {
    model: &'a mut dyn Fields,
    keys: KeySeed<'a>,
}

impl<'de> Visitor<'de> for ModelVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ModelVisitor { model, keys } = self;
        let mut rest = Map::new();
        while let Some(key) = map.next_key_seed(keys)? {
            match key {
                Key::Field(i) => map
                    .next_value_seed(SlotSeed(model.slot_mut(i)))
                    .map_err(|e| field_error(keys.fields[i], e))?,
                Key::Other(name) => {
                    let value = map.next_value()?;
                    rest.insert(name, value);
                }
            }
        }
        if !rest.is_empty() {
            let slot = model.slot_mut(keys.fields.len()).as_any_mut();
            if let Some(slot) = slot.downcast_mut::<Map>() {
                *slot = rest;
            }
        }
        Ok(())
    }
}

/// `` `name`: `` before an error in a member's value. serde_json ends a message with the
/// position, and adds the position again when the error leaves the object: the inner one is
/// dropped, so the message ends in one position, the place of the error.
fn field_error<E: serde::de::Error>(name: &str, error: E) -> E {
    let text = error.to_string();
    E::custom(format_args!("`{name}`: {}", without_position(&text)))
}

/// `text` without a trailing ` at line L column C`.
fn without_position(text: &str) -> &str {
    let Some(at) = text.rfind(" at line ") else {
        return text;
    };
    let tail = &text[at + " at line ".len()..];
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match tail.split_once(" column ") {
        Some((line, column)) if number(line) && number(column) => &text[..at],
        _ => text,
    }
}

/// A member's name, read as the index of the field it names or, for a name the type does
/// not have, the name itself (for `additional_properties`).
enum Key {
    Field(usize),
    Other(String),
}

/// Reads a member's name into a [`Key`]: by the type's table, or, for the five members of a
/// [`Collection`], by comparing.
#[derive(Clone, Copy)]
struct KeySeed<'a> {
    fields: &'static [&'static str],
    table: Option<&'a Table>,
}

impl KeySeed<'_> {
    fn find(&self, key: &str) -> Option<usize> {
        match self.table {
            Some(table) => table.find(self.fields, key),
            None => self.fields.iter().position(|f| *f == key),
        }
    }

    /// The [`Key`] of a name read earlier.
    fn key(&self, name: Name<'_>) -> Key {
        match (self.find(name.as_str()), name) {
            (Some(i), _) => Key::Field(i),
            (None, Name::Borrowed(name)) => Key::Other(name.to_owned()),
            (None, Name::Owned(name)) => Key::Other(name),
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match self.find(key) {
            Some(i) => Key::Field(i),
            None => Key::Other(key.to_owned()),
        })
    }

    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Key, E> {
        Ok(match self.find(&key) {
            Some(i) => Key::Field(i),
            None => Key::Other(key),
        })
    }
}

/// Reads a member's value into its slot: on the concrete deserializer when it is one the
/// slot has a method for (serde_json on bytes or a string, a `serde_json::Value`, an erased
/// one), else through `erased_serde`.
struct SlotSeed<'a>(&'a mut dyn Slot);

impl<'de> DeserializeSeed<'de> for SlotSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        use serde_json::de::{SliceRead, StrRead};
        let slot = self.0;
        let d = match cast::<D, &mut serde_json::Deserializer<SliceRead<'de>>>(deserializer) {
            Ok(de) => return slot.read_slice(de).map_err(json_error),
            Err(d) => d,
        };
        let d = match cast::<D, &mut serde_json::Deserializer<StrRead<'de>>>(d) {
            Ok(de) => return slot.read_str(de).map_err(json_error),
            Err(d) => d,
        };
        let d = match cast::<D, serde_json::Value>(d) {
            Ok(value) => return slot.read_json(value).map_err(json_error),
            Err(d) => d,
        };
        let d = match cast::<D, &mut dyn erased_serde::Deserializer<'de>>(d) {
            Ok(de) => return slot.read_erased(de).map_err(serde::de::Error::custom),
            Err(d) => d,
        };
        let mut erased = <dyn erased_serde::Deserializer>::erase(d);
        slot.read_erased(&mut erased)
            .map_err(serde::de::Error::custom)
    }
}

/// `value` as a `To` when `From` is `To` (up to lifetimes).
///
/// What lets the slot methods run on the concrete deserializer: `From` is the generic
/// parameter of a serde function, `To` a type a [`Slot`] method takes. The comparison is of
/// constants and disappears in each instantiation.
fn cast<From, To>(value: From) -> Result<To, From> {
    if typeid::of::<From>() != typeid::of::<To>() {
        return Err(value);
    }
    let value = std::mem::ManuallyDrop::new(value);
    // SAFETY: `From` and `To` are the same type up to lifetimes (`typeid::of` ignores them),
    // so they have the same layout and validity, and `value` is not dropped (it is moved).
    // The lifetimes agree where it matters: the deserializers cast here are serde_json's
    // `&mut Deserializer<SliceRead<'a>>`, `&mut Deserializer<StrRead<'a>>` and an erased
    // `&mut dyn Deserializer<'a>`, whose `Deserializer<'de>` impls hold only for `'a = 'de`
    // (the `'de` of the call); the outer borrow is used only within the call that has it.
    Ok(unsafe { std::mem::transmute_copy::<From, To>(&value) })
}

/// A serde_json error as the deserializer's error: the same type when the deserializer is
/// serde_json's (no information lost), else its message.
fn json_error<E: serde::de::Error>(error: serde_json::Error) -> E {
    cast::<serde_json::Error, E>(error).unwrap_or_else(E::custom)
}

/// Where each JSON name of a model's `FIELDS` is: an open-addressing hash table (linear
/// probing, at most half full) of indexes into `FIELDS`, built once per type
/// ([`table_of`]).
struct Table {
    slots: Box<[u32]>,
    shift: u32,
    /// Where the fields are, for the serde_json writer (set by [`table_of`]).
    layout: Option<Layout>,
}

const EMPTY: u32 = u32::MAX;

impl Table {
    fn new(fields: &[&str]) -> Table {
        let bits = (fields.len() * 2)
            .max(8)
            .next_power_of_two()
            .trailing_zeros();
        let mut table = Table {
            slots: vec![EMPTY; 1 << bits].into_boxed_slice(),
            shift: 64 - bits,
            layout: None,
        };
        for (i, name) in fields.iter().enumerate() {
            let mut at = table.start(name);
            loop {
                match table.slots[at] {
                    // the first of two fields of one name keeps it (as `FIELDS.position`)
                    EMPTY => table.slots[at] = i as u32,
                    j if fields[j as usize] == *name => {}
                    _ => {
                        at = (at + 1) & (table.slots.len() - 1);
                        continue;
                    }
                }
                break;
            }
        }
        table
    }

    /// The probe start of `key`: a multiplicative hash of its bytes, 8 at a time, its top bits.
    fn start(&self, key: &str) -> usize {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let bytes = key.as_bytes();
        let mut h = bytes.len() as u64;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            h = (h.rotate_left(5) ^ word).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        (h >> self.shift) as usize
    }

    /// The index of `key` in `fields` (the names the table was built from).
    fn find(&self, fields: &[&str], key: &str) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut at = self.start(key);
        loop {
            let i = self.slots[at];
            if i == EMPTY {
                return None;
            }
            if fields[i as usize] == key {
                return Some(i as usize);
            }
            at = (at + 1) & mask;
        }
    }
}

/// The field table of `M` (with its [`Layout`]), built on first use and kept for the life
/// of the program (one per type: a few KB for the largest). Each thread keeps the tables it
/// used last in a small cache indexed by type (what a nested object's writing finds its
/// table in), behind that its own index of the tables it has used, so the shared one is
/// locked only the first time a thread meets a type.
fn table_of<M: Model>() -> &'static Table {
    table_by_id(std::any::TypeId::of::<M>(), build_table::<M>)
}

/// The table of `M`, made.
fn build_table<M: Model>() -> Table {
    let mut table = Table::new(M::FIELDS);
    table.layout = Layout::learn::<M>();
    table
}

/// [`table_of`] the type `id`, made by `build` the first time.
fn table_by_id(id: std::any::TypeId, build: fn() -> Table) -> &'static Table {
    use std::cell::Cell;
    use std::hash::BuildHasher;
    type Recent = Cell<Option<(std::any::TypeId, &'static Table)>>;
    const RECENT_BITS: u32 = 8;
    thread_local! {
        static RECENT: [Recent; 1 << RECENT_BITS] =
            const { [const { Cell::new(None) }; 1 << RECENT_BITS] };
    }
    let at = (IdHash::default().hash_one(id) >> (64 - RECENT_BITS)) as usize;
    RECENT
        .try_with(|recent| match recent[at].get() {
            Some((known, table)) if known == id => table,
            _ => {
                let table = table_in_index(id, build);
                recent[at].set(Some((id, table)));
                table
            }
        })
        .unwrap_or_else(|_| table_in_index(id, build))
}

/// [`table_by_id`] from the thread's index, else the shared one.
#[cold]
fn table_in_index(id: std::any::TypeId, build: fn() -> Table) -> &'static Table {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::sync::Mutex;
    type Index = HashMap<std::any::TypeId, &'static Table, IdHash>;
    static SHARED: Mutex<Option<Index>> = Mutex::new(None);
    thread_local! {
        static LOCAL: RefCell<Index> = RefCell::new(HashMap::default());
    }
    let shared = || -> &'static Table {
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        shared
            .get_or_insert_with(HashMap::default)
            .entry(id)
            .or_insert_with(|| Box::leak(Box::new(build())))
    };
    LOCAL
        .try_with(|local| {
            if let Some(table) = local.borrow().get(&id) {
                return *table;
            }
            let table = shared();
            local.borrow_mut().insert(id, table);
            table
        })
        .unwrap_or_else(|_| shared())
}

/// The hasher of the tables' index: a `TypeId` is a hash already, so its bits are mixed
/// once (a table is looked up per object written or read; SipHash was most of that).
type IdHash = std::hash::BuildHasherDefault<IdHasher>;

#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `Clone` of a generated struct.
pub fn clone_model<M: Model>(model: &M) -> M {
    let mut copy = M::default();
    for i in 0..=M::FIELDS.len() {
        model.field(i).clone_into_slot(copy.slot_mut(i));
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
    /// The value as a model, to serialize.
    #[doc(hidden)]
    fn model_ref(&self) -> ModelRef<'_>;
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
        serde_json::to_value(ModelRef(self))
    }
    fn model_ref(&self) -> ModelRef<'_> {
        ModelRef(self)
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
    value.model_ref().serialize(serializer)
}

/// `Deserialize` of an `Any...` enum (and its `from_json`): the object is read once,
/// straight into the variant its `@odata.type` names, with no intermediate JSON value.
/// `read` is the enum's own: it maps the lower-cased `@odata.type` (without `#`) to a
/// variant and reads it with [`read_variant`]; an unknown or missing one, the base.
///
/// - `@odata.type` first (as Graph writes it): the variant is known at once and the members
///   are read into it as they come.
/// - Otherwise the members are read into the base as they come. When an `@odata.type` that
///   names another type follows, what was read so far is carried over as JSON to that
///   type's variant, and reading goes on there (so no object is buffered whole).
pub fn deserialize_any<'de, E, D: serde::Deserializer<'de>>(
    deserializer: D,
    read: fn(&str, &mut dyn ReadVariant<'de>) -> Result<E, VariantError>,
) -> Result<E, D::Error> {
    deserializer.deserialize_map(AnyVisitor { read })
}

/// One arm of an `Any...` enum's `read`: reads the object as `T` and wraps it in the
/// variant `wrap`.
pub fn read_variant<T: Model, E>(
    reader: &mut dyn ReadVariant<'_>,
    wrap: fn(Box<T>) -> E,
) -> Result<E, VariantError> {
    let mut model = Box::<T>::default();
    reader.read_into(Target {
        model: &mut *model,
        fields: T::FIELDS,
        table: table_of::<T>(),
        name: T::NAME,
    })?;
    Ok(wrap(model))
}

/// The object an `Any...` enum is reading, as its `read` sees it (see [`deserialize_any`]).
pub trait ReadVariant<'de> {
    /// Reads the object's members into `target`.
    #[doc(hidden)]
    fn read_into(&mut self, target: Target<'_>) -> Result<(), VariantError>;
}

/// A model to read an object into (see [`read_variant`]).
#[doc(hidden)]
pub struct Target<'a> {
    model: &'a mut dyn Fields,
    fields: &'static [&'static str],
    table: &'static Table,
    name: &'static str,
}

/// Why [`read_variant`] stopped: the deserializer's error (kept by the reader), or an
/// `@odata.type` that names another variant (its key).
#[derive(Debug)]
pub struct VariantError(Option<String>);

struct AnyVisitor<'de, E> {
    read: fn(&str, &mut dyn ReadVariant<'de>) -> Result<E, VariantError>,
}

impl<'de, E> Visitor<'de> for AnyVisitor<'de, E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<E, A::Error> {
        let (mut reader, key) = Reader::start(map)?;
        let mut result = (self.read)(&key, &mut reader);
        if let Err(VariantError(Some(key))) = result {
            result = (self.read)(&key, &mut reader);
        }
        result.map_err(|_| reader.error())
    }
}

/// The members' reader behind [`ReadVariant`].
struct Reader<'de, A: MapAccess<'de>> {
    map: A,
    /// The first member's name, read before the type was known.
    pending: Option<Name<'de>>,
    /// The `@odata.type` read before the variant was chosen.
    odata_type: Option<String>,
    /// What an earlier variant read, to read again into the one `@odata.type` named.
    carried: Option<Map>,
    /// The variant is chosen: a later `@odata.type` is read like any member.
    decided: bool,
    error: Option<A::Error>,
}

/// The key of the variant an `@odata.type` names: without `#`, lower-cased.
fn type_key(odata_type: &str) -> String {
    odata_type.trim_start_matches('#').to_ascii_lowercase()
}

impl<'de, A: MapAccess<'de>> Reader<'de, A> {
    /// Reads the first member's name, and when it is `@odata.type`, its value: the key of
    /// the variant to read (empty: the base).
    fn start(map: A) -> Result<(Self, String), A::Error> {
        let mut reader = Reader {
            map,
            pending: None,
            odata_type: None,
            carried: None,
            decided: false,
            error: None,
        };
        let mut key = String::new();
        match reader.map.next_key_seed(NameSeed)? {
            Some(name) if name.as_str() == "@odata.type" => {
                let value: Option<String> = reader
                    .map
                    .next_value()
                    .map_err(|e| field_error("@odata.type", e))?;
                if let Some(value) = value {
                    key = type_key(&value);
                    reader.decided = true;
                    reader.odata_type = Some(value);
                }
            }
            name => reader.pending = name,
        }
        Ok((reader, key))
    }

    /// The deserializer's error that stopped the reading.
    fn error(&mut self) -> A::Error {
        self.error
            .take()
            .unwrap_or_else(|| serde::de::Error::custom("`@odata.type`: read twice"))
    }

    /// Reads the members into `target`; `Ok(Some(key))`: an `@odata.type` named the
    /// variant `key`, and what was read is carried over.
    fn fill(&mut self, target: Target<'_>) -> Result<Option<String>, A::Error> {
        let Target {
            model,
            fields,
            table,
            name,
        } = target;
        let keys = KeySeed {
            fields,
            table: Some(table),
        };
        let mut rest = Map::new();
        // What was read before this variant was chosen.
        let mut before = self.carried.take().unwrap_or_default();
        if let Some(t) = self.odata_type.take() {
            before.insert("@odata.type".into(), t.into());
        }
        for (key, value) in before {
            match table.find(fields, &key) {
                Some(i) => model
                    .slot_mut(i)
                    .read_json(value)
                    .map_err(|e| field_error(fields[i], json_error::<A::Error>(e)))?,
                None => {
                    rest.insert(key, value);
                }
            }
        }
        // The member whose name was read to look for `@odata.type`, then the others.
        if let Some(first) = self.pending.take() {
            let key = keys.key(first);
            if let Some(next) = self.member(key, &mut rest, (model, fields, name))? {
                return Ok(Some(next));
            }
        }
        while let Some(key) = self.map.next_key_seed(keys)? {
            if let Some(next) = self.member(key, &mut rest, (model, fields, name))? {
                return Ok(Some(next));
            }
        }
        if !rest.is_empty() {
            let slot = model.slot_mut(fields.len()).as_any_mut();
            if let Some(slot) = slot.downcast_mut::<Map>() {
                *slot = rest;
            }
        }
        Ok(None)
    }

    /// Reads one member's value; an `@odata.type` that names another type than `name`
    /// before the type was decided: the key of its variant, what was read carried over.
    fn member(
        &mut self,
        key: Key,
        rest: &mut Map,
        (model, fields, name): (&mut dyn Fields, &'static [&'static str], &str),
    ) -> Result<Option<String>, A::Error> {
        match key {
            Key::Field(i) if !self.decided && fields[i] == "@odata.type" => {
                let value: Option<String> = self
                    .map
                    .next_value()
                    .map_err(|e| field_error(fields[i], e))?;
                let Some(value) = value else {
                    return Ok(None);
                };
                self.decided = true;
                if value.trim_start_matches('#').eq_ignore_ascii_case(name) {
                    model
                        .slot_mut(i)
                        .read_json(value.into())
                        .map_err(|e| field_error(fields[i], json_error::<A::Error>(e)))?;
                    return Ok(None);
                }
                let carried = ModelRef(&*model);
                let mut carried = match serde_json::to_value(carried) {
                    Ok(serde_json::Value::Object(map)) => map,
                    Ok(_) => Map::new(),
                    Err(e) => return Err(json_error(e)),
                };
                carried.append(rest);
                self.carried = Some(carried);
                let key = type_key(&value);
                self.odata_type = Some(value);
                Ok(Some(key))
            }
            Key::Field(i) => {
                self.map
                    .next_value_seed(SlotSeed(model.slot_mut(i)))
                    .map_err(|e| field_error(fields[i], e))?;
                Ok(None)
            }
            Key::Other(key) => {
                let value = self.map.next_value()?;
                rest.insert(key, value);
                Ok(None)
            }
        }
    }
}

impl<'de, A: MapAccess<'de>> ReadVariant<'de> for Reader<'de, A> {
    fn read_into(&mut self, target: Target<'_>) -> Result<(), VariantError> {
        match self.fill(target) {
            Ok(None) => Ok(()),
            Ok(Some(key)) => Err(VariantError(Some(key))),
            Err(e) => {
                self.error = Some(e);
                Err(VariantError(None))
            }
        }
    }
}

/// A member's name as read, before the type that says what it means is known.
enum Name<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Name<'_> {
    fn as_str(&self) -> &str {
        match self {
            Name::Borrowed(s) => s,
            Name::Owned(s) => s,
        }
    }
}

/// Reads a member's name as a [`Name`] (borrowed from the input when it can be).
struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Name<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Name<'de>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for NameSeed {
    type Value = Name<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, name: &'de str) -> Result<Name<'de>, E> {
        Ok(Name::Borrowed(name))
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Name<'de>, E> {
        Ok(Name::Owned(name.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, name: String) -> Result<Name<'de>, E> {
        Ok(Name::Owned(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// The impls the generator writes for a struct, by hand.
    macro_rules! model {
        ($t:ident, $name:literal, [$($i:literal => $json:literal: $f:ident),*], $rest:ident) => {
            // SAFETY: `field` is a projection of the fields.
            unsafe impl Model for $t {
                const NAME: &'static str = $name;
                const FIELDS: &'static [&'static str] = &[$($json),*];
                fn field(&self, i: usize) -> &dyn Slot {
                    match i {
                        $($i => &self.$f,)*
                        _ => &self.$rest,
                    }
                }
            }
            impl Serialize for $t {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    serialize_model(self, s)
                }
            }
            impl<'de> Deserialize<'de> for $t {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    deserialize_model(d)
                }
            }
            impl Clone for $t {
                fn clone(&self) -> Self {
                    clone_model(self)
                }
            }
            impl PartialEq for $t {
                fn eq(&self, other: &Self) -> bool {
                    eq_model(self, other)
                }
            }
            impl fmt::Debug for $t {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    debug_model(self, f)
                }
            }
        };
    }

    #[derive(Default)]
    struct Inner {
        name: Option<String>,
        count: Option<i32>,
        odata_type: Option<String>,
        rest: Map,
    }
    model!(Inner, "test.inner", [0 => "name": name, 1 => "count": count, 2 => "@odata.type": odata_type], rest);

    #[derive(Default)]
    struct Outer {
        id: Option<String>,
        enabled: Option<bool>,
        inner: Option<Inner>,
        items: Option<Vec<Inner>>,
        tags: Option<Vec<String>>,
        when: Option<DateTimeOffset>,
        extra: Option<Value>,
        odata_type: Option<String>,
        rest: Map,
    }
    model!(Outer, "test.outer", [
        0 => "id": id, 1 => "enabled": enabled, 2 => "inner": inner, 3 => "items": items,
        4 => "tags": tags, 5 => "when": when, 6 => "extra": extra, 7 => "@odata.type": odata_type
    ], rest);

    /// `text` read through every kind of deserializer: serde_json on a string, on bytes, on
    /// a reader (reached through `erased_serde`), a `Value` (owned and borrowed), each
    /// result checked equal to the first.
    fn read_all_ways<T: serde::de::DeserializeOwned + PartialEq + fmt::Debug>(
        text: &str,
    ) -> Result<T, String> {
        let first: T = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let from_slice: T = serde_json::from_slice(text.as_bytes()).unwrap();
        let from_reader: T = serde_json::from_reader(text.as_bytes()).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        let from_ref = T::deserialize(&value).unwrap();
        let from_value: T = serde_json::from_value(value).unwrap();
        for other in [from_slice, from_reader, from_ref, from_value] {
            assert_eq!(other, first);
        }
        Ok(first)
    }

    /// Every way of reading `text` fails; the messages.
    fn errors<T: serde::de::DeserializeOwned + fmt::Debug>(text: &str) -> Vec<String> {
        let value: Value = serde_json::from_str(text).unwrap();
        vec![
            serde_json::from_str::<T>(text).unwrap_err().to_string(),
            serde_json::from_slice::<T>(text.as_bytes())
                .unwrap_err()
                .to_string(),
            serde_json::from_reader::<_, T>(text.as_bytes())
                .unwrap_err()
                .to_string(),
            T::deserialize(&value).unwrap_err().to_string(),
            serde_json::from_value::<T>(value).unwrap_err().to_string(),
        ]
    }

    #[test]
    fn unknown_members_are_kept_and_written_back() {
        let text = r#"{"id":"a","mystery":{"deep":[1,null]},"nothing":null,"n":1.5}"#;
        let outer: Outer = read_all_ways(text).unwrap();
        assert_eq!(outer.id.as_deref(), Some("a"));
        assert_eq!(
            Value::Object(outer.rest.clone()),
            json!({"mystery": {"deep": [1, null]}, "nothing": null, "n": 1.5})
        );
        let back = serde_json::to_value(&outer).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn null_reads_as_none_and_is_not_written() {
        let text = r#"{"id":null,"enabled":null,"inner":null,"items":null,"extra":null}"#;
        let outer: Outer = read_all_ways(text).unwrap();
        assert_eq!(outer, Outer::default());
        assert!(outer.rest.is_empty());
        assert_eq!(serde_json::to_string(&outer).unwrap(), "{}");
        // `null` after a value: the last one counts.
        let outer: Outer = read_all_ways(r#"{"id":"a","id":null}"#).unwrap();
        assert_eq!(outer.id, None);
    }

    #[test]
    fn a_repeated_member_reads_as_its_last_value() {
        let outer: Outer = read_all_ways(r#"{"id":"a","x":1,"id":"b","x":2}"#).unwrap();
        assert_eq!(outer.id.as_deref(), Some("b"));
        assert_eq!(outer.rest.get("x"), Some(&json!(2)));
    }

    #[test]
    fn a_set_field_wins_over_an_undocumented_property_of_its_name() {
        let mut outer = Outer {
            id: Some("field".into()),
            ..Outer::default()
        };
        outer.rest.insert("id".into(), json!("map"));
        outer.rest.insert("enabled".into(), json!("map"));
        outer.rest.insert("other".into(), json!(1));
        let text = serde_json::to_string(&outer).unwrap();
        // Each name once: the set field, the unset field's map entry, the rest.
        assert_eq!(text, r#"{"id":"field","enabled":"map","other":1}"#);
        assert_eq!(
            outer.to_json().unwrap(),
            json!({"id": "field", "enabled": "map", "other": 1})
        );
    }

    #[test]
    fn nested_models_and_lists_of_them_round_trip() {
        let text = r##"{"@odata.type":"#test.outer","id":"x","enabled":true,
            "inner":{"name":"n","count":3,"inner-extra":"kept"},
            "items":[{"name":"a"},{"count":-1,"@odata.type":"#test.inner"},{}],
            "tags":["t1","t2"],"when":"2021-07-01T10:00:00.1234567Z","extra":{"any":["json"]}}"##;
        let outer: Outer = read_all_ways(text).unwrap();
        let inner = outer.inner.as_ref().unwrap();
        assert_eq!((inner.name.as_deref(), inner.count), (Some("n"), Some(3)));
        assert_eq!(inner.rest.get("inner-extra"), Some(&json!("kept")));
        let items = outer.items.as_ref().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[1].odata_type.as_deref(), Some("#test.inner"));
        assert_eq!(
            outer.when.as_ref().unwrap().as_str(),
            "2021-07-01T10:00:00.1234567Z"
        );
        assert_eq!(outer.odata_type.as_deref(), Some("#test.outer"));
        // Written back: the same JSON, and read again: the same value.
        let back = serde_json::to_value(&outer).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
        let again: Outer = serde_json::from_value(back.clone()).unwrap();
        assert_eq!(again, outer);
        // Every serializer writes the same: serde_json to a `Vec` (the slots' own method),
        // pretty or to another writer (through erased-serde), `to_value`.
        let mut cursor = std::io::Cursor::new(Vec::new());
        serde_json::to_writer(&mut cursor, &outer).unwrap();
        for text in [
            serde_json::to_string(&outer).unwrap(),
            serde_json::to_string_pretty(&outer).unwrap(),
            String::from_utf8(cursor.into_inner()).unwrap(),
        ] {
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), back);
        }
        assert_eq!(outer.clone(), outer);
        let debug = format!("{outer:?}");
        assert!(debug.starts_with("test.outer { id: Some(\"x\")"), "{debug}");
    }

    #[test]
    fn an_error_names_the_member_and_says_where_once() {
        for message in errors::<Outer>(r#"{"id":"a", "enabled":"yes"}"#) {
            assert!(
                message.starts_with("`enabled`: invalid type: string \"yes\", expected a boolean"),
                "{message}"
            );
            assert!(message.matches(" at line ").count() <= 1, "{message}");
        }
        let nested = r#"{"items":[{"name":"a"},{"count":"x"}]}"#;
        for message in errors::<Outer>(nested) {
            assert!(
                message.starts_with("`items`: `count`: invalid type: string \"x\", expected i32"),
                "{message}"
            );
        }
        let text = serde_json::from_str::<Outer>("{\n\"enabled\": 7}")
            .unwrap_err()
            .to_string();
        assert_eq!(
            text,
            "`enabled`: invalid type: integer `7`, expected a boolean at line 2 column 13"
        );
        // Not an object at all.
        for message in errors::<Outer>(r#"["id"]"#) {
            assert!(
                message.starts_with("invalid type: sequence, expected a map"),
                "{message}"
            );
        }
    }

    #[test]
    fn collections_read_and_write_their_members_and_keep_the_rest() {
        let text = r#"{"@odata.context":"ctx","@odata.count":2,"value":[{"id":"a"},{"id":"b","z":0}],
            "@odata.nextLink":"next","@odata.etag":"e"}"#;
        let page: Collection<Outer> = read_all_ways(text).unwrap();
        assert_eq!(page.value.len(), 2);
        assert_eq!(page.odata_count, Some(2));
        assert_eq!(page.odata_next_link.as_deref(), Some("next"));
        assert_eq!(
            page.additional_properties.get("@odata.etag"),
            Some(&json!("e"))
        );
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        // A set member wins over a kept property of its name; `value` is always set.
        let mut page = page;
        page.additional_properties.insert("value".into(), json!(1));
        page.additional_properties
            .insert("@odata.count".into(), json!(9));
        page.additional_properties
            .insert("@odata.deltaLink".into(), json!("kept"));
        let back = serde_json::to_value(&page).unwrap();
        assert_eq!(
            (
                back["value"].as_array().map(Vec::len),
                &back["@odata.count"]
            ),
            (Some(2), &json!(2))
        );
        assert_eq!(back["@odata.deltaLink"], json!("kept"));
        for message in errors::<Collection<Outer>>(r#"{"@odata.nextLink":"x"}"#) {
            assert!(message.starts_with("missing field `value`"), "{message}");
        }
        for message in errors::<Collection<Outer>>(r#"{"value":null}"#) {
            assert!(message.starts_with("missing field `value`"), "{message}");
        }
        for message in errors::<Collection<Outer>>(r#"{"value":[],"@odata.count":"two"}"#) {
            assert!(
                message.starts_with("`@odata.count`: invalid type"),
                "{message}"
            );
        }
        for message in errors::<Collection<Outer>>(r#"{"value":[{"enabled":1}]}"#) {
            assert!(
                message.starts_with("`value`: `enabled`: invalid type"),
                "{message}"
            );
        }
    }

    /// A type derived from `Inner`: its fields first, then its own.
    #[derive(Default)]
    struct Special {
        name: Option<String>,
        count: Option<i32>,
        level: Option<u8>,
        odata_type: Option<String>,
        rest: Map,
    }
    model!(Special, "test.special", [
        0 => "name": name, 1 => "count": count, 2 => "level": level, 3 => "@odata.type": odata_type
    ], rest);

    /// What the generator writes for a polymorphic `Inner`, by hand.
    #[derive(Clone)]
    enum AnyInner {
        Inner(Box<Inner>),
        Special(Box<Special>),
    }

    impl AnyInner {
        fn read(key: &str, reader: &mut dyn ReadVariant<'_>) -> Result<Self, VariantError> {
            match key {
                "test.special" => read_variant(reader, Self::Special),
                _ => read_variant(reader, Self::Inner),
            }
        }
        fn as_object(&self) -> &dyn Object {
            match self {
                Self::Inner(v) => &**v,
                Self::Special(v) => &**v,
            }
        }
    }

    impl Serialize for AnyInner {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize_object(self.as_object(), s)
        }
    }

    impl<'de> Deserialize<'de> for AnyInner {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_any(d, Self::read)
        }
    }

    impl PartialEq for AnyInner {
        fn eq(&self, other: &Self) -> bool {
            self.as_object().eq_object(other.as_object())
        }
    }

    impl fmt::Debug for AnyInner {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.as_object().debug().fmt(f)
        }
    }

    /// `text` read as an `AnyInner` every way: the type it was read as; written back, the
    /// same JSON.
    fn read_any(text: &str) -> AnyInner {
        let any: AnyInner = read_all_ways(text).unwrap();
        assert_eq!(
            serde_json::to_value(&any).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        let written: Value = serde_json::from_str(&serde_json::to_string(&any).unwrap()).unwrap();
        assert_eq!(written, any.as_object().to_json().unwrap());
        any
    }

    #[test]
    fn a_polymorphic_value_is_read_as_the_type_its_odata_type_names_wherever_it_stands() {
        let first = r##"{"@odata.type":"#test.special","name":"n","level":3,"x":1}"##;
        let middle = r##"{"name":"n","level":3,"@odata.type":"#test.special","x":1}"##;
        let last = r##"{"name":"n","level":3,"x":1,"@odata.type":"#Test.Special"}"##;
        for text in [first, middle, last] {
            let AnyInner::Special(v) = read_any(text) else {
                panic!("{text}: not read as test.special");
            };
            assert_eq!((v.name.as_deref(), v.level), (Some("n"), Some(3)), "{text}");
            // `level` is the derived type's field, not an undocumented property.
            assert_eq!(Value::Object(v.rest.clone()), json!({"x": 1}), "{text}");
        }
        // No `@odata.type`, `null`, an unknown one (first or not), or the base's own: the base.
        for text in [
            r#"{"name":"n","level":3}"#,
            r##"{"@odata.type":"#test.unknown","name":"n","level":3}"##,
            r##"{"name":"n","level":3,"@odata.type":"#test.unknown","count":1}"##,
            r##"{"name":"n","@odata.type":"#TEST.INNER","level":3}"##,
            "{}",
        ] {
            let AnyInner::Inner(v) = read_any(text) else {
                panic!("{text}: not read as the base");
            };
            assert_eq!(
                v.rest.get("level"),
                text.contains("level").then_some(&json!(3)),
                "{text}"
            );
        }
        let null: AnyInner = read_all_ways(r#"{"@odata.type":null,"name":"n"}"#).unwrap();
        assert_eq!(null.as_object().to_json().unwrap(), json!({"name": "n"}));
        let page: Collection<AnyInner> =
            read_all_ways(&format!(r#"{{"value":[{first},{{}},{last}]}}"#)).unwrap();
        let types: Vec<&str> = page
            .value
            .iter()
            .map(|v| v.as_object().type_name())
            .collect();
        assert_eq!(types, ["test.special", "test.inner", "test.special"]);
    }

    #[test]
    fn an_error_in_a_polymorphic_value_names_the_member() {
        let cases = [
            (
                r##"{"@odata.type":"#test.special","level":"high"}"##,
                "`level`: invalid type",
            ),
            (
                r##"{"level":1,"count":"x","@odata.type":"#test.special"}"##,
                "`count`: invalid type",
            ),
            (
                r##"{"level":300,"@odata.type":"#test.special"}"##,
                "`level`: invalid value",
            ),
            (
                r##"{"name":"n","@odata.type":"#test.special","level":-1}"##,
                "`level`: invalid value",
            ),
            (r#"{"@odata.type":7}"#, "`@odata.type`: invalid type"),
        ];
        for (text, start) in cases {
            for message in errors::<AnyInner>(text) {
                assert!(message.starts_with(start), "{text}: {message}");
            }
        }
    }

    /// Every kind the writer reads inline, and others.
    #[derive(Default)]
    struct Kinds {
        s: Option<String>,
        b: Option<bool>,
        i: Option<i32>,
        l: Option<i64>,
        f: Option<f64>,
        list: Option<Vec<String>>,
        when: Option<DateTimeOffset>,
        inner: Option<Box<Inner>>,
        date: Option<Date>,
        guid: Option<Guid>,
        guids: Option<Vec<Guid>>,
        odata_type: Option<String>,
        rest: Map,
    }
    model!(Kinds, "test.kinds", [
        0 => "s": s, 1 => "b": b, 2 => "i": i, 3 => "l": l, 4 => "f": f, 5 => "list": list,
        6 => "when": when, 7 => "inner": inner, 8 => "date": date, 9 => "guid": guid,
        10 => "guids": guids, 11 => "@odata.type": odata_type
    ], rest);

    #[test]
    fn the_layout_has_each_fields_offset_and_kind() {
        let layout = table_of::<Kinds>().layout.as_ref().expect("a layout");
        let value = Kinds::default();
        let base = (&value as *const Kinds).addr();
        let kinds: Vec<Kind> = layout.fields.iter().map(|f| f.kind).collect();
        use Kind::*;
        assert_eq!(
            kinds,
            [
                Str, Bool, I32, I64, F64, Strs, DateTime, Other, Date, Guid, Guids, Str
            ]
        );
        for (i, field) in layout.fields.iter().enumerate() {
            let at = (value.field(i) as *const dyn Slot).addr();
            assert_eq!(at - base, field.offset as usize, "field {i}");
            let key = format!(",{}:", serde_json::to_string(Kinds::FIELDS[i]).unwrap());
            assert_eq!(*field.key, *key.as_bytes());
        }
        let rest = (&value.rest as *const Map).addr() - base;
        assert_eq!(layout.rest, Some(rest as u32));
        // The writers are the fields' own: they write when set, and say so.
        let some = Kinds {
            inner: Some(Box::default()),
            ..Kinds::default()
        };
        let base = (&some as *const Kinds).cast::<u8>();
        let written = |i: usize| {
            let field = &layout.fields[i];
            let at = base.wrapping_add(field.offset as usize);
            let mut out = Vec::new();
            // SAFETY: field `i` of `some` is at that offset, of the writer's type.
            let set = unsafe { (field.write)(at, b"\"k\":", &mut out) }.unwrap();
            (set, String::from_utf8(out).unwrap())
        };
        assert_eq!(written(7), (true, r#""k":{}"#.to_string()));
        assert_eq!(written(8), (false, String::new()));
        assert_eq!(written(0), (false, String::new()));
    }

    #[test]
    fn every_combination_of_set_fields_writes_as_the_generic_path_does() {
        let full = Kinds {
            s: Some("a\"b".into()),
            b: Some(false),
            i: Some(-3),
            l: Some(1 << 40),
            f: Some(0.5),
            list: Some(vec!["x".into(), String::new()]),
            when: Some(DateTimeOffset("2021-07-01T00:00:00Z".into())),
            inner: Some(Box::new(Inner {
                name: Some("n".into()),
                ..Inner::default()
            })),
            date: Some(Date("2021-07-01".into())),
            guid: Some(Guid("6a5e-\u{1}".into())),
            guids: Some(vec![Guid("a".into()), Guid("b\"".into())]),
            odata_type: Some("#test.kinds".into()),
            rest: Map::new(),
        };
        let full_json = serde_json::to_value(&full).unwrap();
        assert_eq!(full_json.as_object().map(|o| o.len()), Some(12));
        for mask in 0u32..1 << 12 {
            let mut value = Kinds::default();
            for i in (0..12).filter(|i| mask & (1 << i) != 0) {
                full.field(i).clone_into_slot(value.slot_mut(i));
            }
            value.rest.insert("s".into(), json!("rest"));
            value.rest.insert("zz".into(), json!(1));
            value
                .rest
                .insert("\u{7}x\"".into(), json!({"a": [1.5, null, "\n"]}));
            // serde_json to a `Vec` (the layout, written by `json_write`) gives the same bytes
            // as serde_json's own map writer given the same fields (the path without a layout).
            let bytes = serde_json::to_vec(&value).unwrap();
            let mut by_map = Vec::new();
            ModelRef(&value)
                .serialize_map(&mut serde_json::Serializer::new(&mut by_map))
                .unwrap();
            assert_eq!(
                String::from_utf8(bytes.clone()).unwrap(),
                String::from_utf8(by_map).unwrap(),
                "{mask:b}"
            );
            // Pretty (through erased-serde) and `to_value` say the same.
            let fast: Value = serde_json::from_slice(&bytes).unwrap();
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            let slow: Value = serde_json::from_str(&pretty).unwrap();
            assert_eq!(fast, slow, "{mask:b}");
            assert_eq!(fast, serde_json::to_value(&value).unwrap(), "{mask:b}");
            let mut expected = full_json.as_object().unwrap().clone();
            expected.retain(|k, _| {
                let i = Kinds::FIELDS.iter().position(|f| f == k).unwrap();
                mask & (1 << i) != 0
            });
            expected.entry("s").or_insert(json!("rest"));
            expected.insert("zz".into(), json!(1));
            expected.insert("\u{7}x\"".into(), json!({"a": [1.5, null, "\n"]}));
            assert_eq!(fast, Value::Object(expected), "{mask:b}");
        }
    }

    /// A `Model` whose `field` is not a projection of `self` (it breaks the contract): no
    /// layout is learned for it, and it is written field by field.
    #[derive(Default)]
    struct Elsewhere {
        id: Option<String>,
        rest: Map,
    }
    // SAFETY: not kept (`field(0)` is a static), which `Layout::learn` must notice.
    unsafe impl Model for Elsewhere {
        const NAME: &'static str = "test.elsewhere";
        const FIELDS: &'static [&'static str] = &["id", "other"];
        fn field(&self, i: usize) -> &dyn Slot {
            static OTHER: Option<bool> = Some(true);
            match i {
                0 => &self.id,
                1 => &OTHER,
                _ => &self.rest,
            }
        }
    }

    #[test]
    fn a_field_outside_the_value_means_no_layout() {
        assert!(table_of::<Elsewhere>().layout.is_none());
        let value = Elsewhere {
            id: Some("x".into()),
            ..Elsewhere::default()
        };
        let text = String::from_utf8(serde_json::to_vec(&ModelRef(&value)).unwrap()).unwrap();
        assert_eq!(text, r#"{"id":"x","other":true}"#);
    }

    #[test]
    #[should_panic(expected = "`test.elsewhere::field(1)` is not a field of the value")]
    fn writing_a_field_outside_the_value_panics() {
        let mut value = Elsewhere::default();
        value.slot_mut(1).read_json(Value::Bool(false)).unwrap();
    }

    #[test]
    fn a_field_is_written_in_place_through_its_slot() {
        let mut value = Elsewhere::default();
        value.slot_mut(0).read_json(json!("y")).unwrap();
        value.slot_mut(2).read_json(json!({"z": 1})).unwrap();
        assert_eq!(value.id.as_deref(), Some("y"));
        assert_eq!(value.rest.get("z"), Some(&json!(1)));
    }

    #[test]
    fn set_fields_are_listed_in_order_across_words() {
        let mut set = SetFields::default();
        let indexes = [0, 1, 63, 64, 65, 127, 128, 300, MAX_LAID_OUT - 1];
        for i in indexes {
            // Set bit `i`; setting no bit of the next one's word changes nothing.
            set.put_word(i / 64, 1 << (i % 64));
            let next = i + 1 - usize::from(i + 1 == MAX_LAID_OUT);
            set.put_word(next / 64, 0);
        }
        let listed: Vec<usize> = (0..MAX_LAID_OUT).filter(|&i| set.get(i)).collect();
        assert_eq!(listed, indexes);
        assert!(!set.get(2) && !set.get(299));
        let mut words = SetFields::default();
        words.put_word(1, 1 << 63 | 1);
        words.put_word(MAX_LAID_OUT / 64, 1);
        let listed: Vec<usize> = (0..MAX_LAID_OUT).filter(|&i| words.get(i)).collect();
        assert_eq!(listed, [64, 127]);
        assert!((0..MAX_LAID_OUT).all(|i| !SetFields::default().get(i)));
    }

    #[test]
    fn the_table_finds_every_name_and_only_those() {
        let names: Vec<String> = (0..700).map(|i| format!("property{i}Name")).collect();
        let mut fields: Vec<&str> = names.iter().map(String::as_str).collect();
        fields.extend(["", "a", "@odata.type", "property3Name"]);
        let table = Table::new(&fields);
        for (i, name) in fields.iter().enumerate().take(703) {
            assert_eq!(table.find(&fields, name), Some(i), "{name}");
        }
        // A name given twice: the first.
        assert_eq!(table.find(&fields, "property3Name"), Some(3));
        for missing in ["property700Name", "b", "@odata.typ", "Property1Name"] {
            assert_eq!(table.find(&fields, missing), None);
        }
    }
}
