//! The CSDL export of the repo's docs (and of a docs IR bent out of shape on purpose) is read
//! back with quick-xml and checked against the rules of CSDL XML 4.0 that apply to what the
//! exporter writes.

use doc2rs::Config;
use doc2rs::export::csdl::{EDM_NS, EDMX_NS, to_csdl, to_csdl_with_report};
use doc2rs::ir::{EnumMember, Ir, Primitive, TypeKind, TypeRef};
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const PRIMITIVES: &[&str] = &[
    "Edm.Binary",
    "Edm.Boolean",
    "Edm.Byte",
    "Edm.Date",
    "Edm.DateTimeOffset",
    "Edm.Decimal",
    "Edm.Double",
    "Edm.Duration",
    "Edm.Guid",
    "Edm.Int16",
    "Edm.Int32",
    "Edm.Int64",
    "Edm.SByte",
    "Edm.Single",
    "Edm.Stream",
    "Edm.String",
    "Edm.TimeOfDay",
];

/// Element → the attributes CSDL XML 4.0 allows on it, for the elements the exporter may
/// write, by parent.
fn allowed(parent: &str, child: &str) -> Option<&'static [&'static str]> {
    Some(match (parent, child) {
        ("", "edmx:Edmx") => &["Version", "xmlns:edmx"],
        ("edmx:Edmx", "edmx:DataServices") => &[],
        ("edmx:DataServices", "Schema") => &["Namespace", "Alias", "xmlns"],
        ("Schema", "EnumType") => &["Name", "UnderlyingType", "IsFlags"],
        ("Schema", "EntityType") => &["Name", "BaseType", "Abstract", "OpenType", "HasStream"],
        ("Schema", "ComplexType") => &["Name", "BaseType", "Abstract", "OpenType"],
        ("EnumType", "Member") => &["Name", "Value"],
        ("EntityType", "Key") => &[],
        ("Key", "PropertyRef") => &["Name", "Alias"],
        ("EntityType" | "ComplexType", "Property") => &[
            "Name",
            "Type",
            "Nullable",
            "MaxLength",
            "Precision",
            "Scale",
            "Unicode",
            "SRID",
            "DefaultValue",
        ],
        ("EntityType" | "ComplexType", "NavigationProperty") => {
            &["Name", "Type", "Nullable", "Partner", "ContainsTarget"]
        }
        ("Schema", "Action") => &["Name", "IsBound", "EntitySetPath"],
        ("Schema", "Function") => &["Name", "IsBound", "IsComposable", "EntitySetPath"],
        ("Action" | "Function", "Parameter") => &["Name", "Type", "Nullable", "MaxLength"],
        ("Action" | "Function", "ReturnType") => &["Type", "Nullable"],
        ("Schema", "EntityContainer") => &["Name", "Extends"],
        ("EntityContainer", "EntitySet") => &["Name", "EntityType", "IncludeInServiceDocument"],
        ("EntityContainer", "Singleton") => &["Name", "Type"],
        ("EntityContainer", "ActionImport") => &["Name", "Action", "EntitySet"],
        ("EntityContainer", "FunctionImport") => {
            &["Name", "Function", "EntitySet", "IncludeInServiceDocument"]
        }
        _ => return None,
    })
}

#[derive(Debug, Default)]
struct StructuredType {
    entity: bool,
    base: Option<String>,
    is_abstract: bool,
    key: Vec<String>,
    /// Name, type, navigation?, Nullable attribute.
    props: Vec<(String, String, bool, Option<String>)>,
}

#[derive(Debug, Default, Clone)]
struct Operation {
    function: bool,
    bound: bool,
    composable: bool,
    /// Name, type.
    params: Vec<(String, String)>,
    returns: Option<String>,
}

#[derive(Debug, Default)]
struct Doc {
    namespaces: Vec<String>,
    types: BTreeMap<String, StructuredType>,
    enums: BTreeMap<String, Vec<String>>,
    /// Qualified name → its overloads.
    operations: BTreeMap<String, Vec<Operation>>,
    /// Container children: (element, name, the qualified name it refers to).
    container: Vec<(String, String, String)>,
    containers: usize,
}

fn is_simple_identifier(s: &str) -> bool {
    let mut c = s.chars();
    s.len() <= 128
        && c.next()
            .is_some_and(|f| f == '_' || f.is_ascii_alphabetic())
        && c.all(|x| x == '_' || x.is_ascii_alphanumeric())
}

/// Reads the document back: well-formed, only allowed elements and attributes, required
/// attributes present, names unique per schema.
fn read(xml: &str) -> Result<Doc, String> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let (mut doc, mut stack, mut roots, mut services) = (Doc::default(), vec![], 0, 0);
    let (mut ns, mut cur) = (String::new(), String::new());
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| format!("at {pos}: {e}"))?;
        let (e, empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Decl(_) => continue,
            Event::Eof => break,
            other => return Err(format!("at {pos}: unexpected {other:?}")),
        };
        let name = e.name().as_ref().to_string();
        let parent: &str = stack.last().map_or("", |p: &String| p.as_str());
        let ok = allowed(parent, &name).ok_or(format!("<{name}> in <{parent}>"))?;
        let mut attrs = BTreeMap::new();
        for a in e.attributes() {
            let a = a.map_err(|e| format!("at {pos}: {e}"))?;
            let key = a.key.as_ref().to_string();
            if !ok.contains(&key.as_str()) {
                return Err(format!("<{name}> has attribute {key}"));
            }
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            attrs.insert(key, value.into_owned());
        }
        let get = |k: &str| attrs.get(k).cloned().ok_or(format!("<{name}> without {k}"));
        for flag in [
            "Abstract",
            "OpenType",
            "IsFlags",
            "Nullable",
            "HasStream",
            "IsBound",
            "IsComposable",
        ] {
            if attrs.get(flag).is_some_and(|v| v != "true" && v != "false") {
                return Err(format!("<{name}> {flag}={:?}", attrs[flag]));
            }
        }
        match name.as_str() {
            "edmx:Edmx" => {
                roots += 1;
                if get("Version")? != "4.0" || get("xmlns:edmx")? != EDMX_NS {
                    return Err(format!("root {attrs:?}"));
                }
            }
            "edmx:DataServices" => services += 1,
            "Schema" => {
                ns = get("Namespace")?;
                let fresh = !doc.namespaces.contains(&ns) && get("xmlns")? == EDM_NS;
                if !fresh || !ns.split('.').all(is_simple_identifier) {
                    return Err(format!("namespace {ns} repeated or invalid, or not in EDM"));
                }
                doc.namespaces.push(ns.clone());
            }
            "EnumType" | "EntityType" | "ComplexType" => {
                cur = format!("{ns}.{}", get("Name")?);
                if doc.types.contains_key(&cur) || doc.enums.contains_key(&cur) {
                    return Err(format!("{cur} defined twice"));
                }
                if name == "EnumType" {
                    doc.enums.insert(cur.clone(), vec![]);
                } else {
                    let t = StructuredType {
                        entity: name == "EntityType",
                        base: attrs.get("BaseType").cloned(),
                        is_abstract: attrs.get("Abstract").is_some_and(|a| a == "true"),
                        ..Default::default()
                    };
                    doc.types.insert(cur.clone(), t);
                }
            }
            "Action" | "Function" => {
                cur = format!("{ns}.{}", get("Name")?);
                if doc.types.contains_key(&cur) || doc.enums.contains_key(&cur) {
                    return Err(format!("operation {cur} named like a type"));
                }
                let op = Operation {
                    function: name == "Function",
                    bound: attrs.get("IsBound").is_some_and(|v| v == "true"),
                    composable: attrs.get("IsComposable").is_some_and(|v| v == "true"),
                    ..Default::default()
                };
                doc.operations.entry(cur.clone()).or_default().push(op);
            }
            "Parameter" => {
                let op = doc.operations.get_mut(&cur).unwrap().last_mut().unwrap();
                op.params.push((get("Name")?, get("Type")?));
            }
            "ReturnType" => {
                let op = doc.operations.get_mut(&cur).unwrap().last_mut().unwrap();
                op.returns = Some(get("Type")?);
            }
            "EntityContainer" => doc.containers += 1,
            "EntitySet" | "Singleton" | "ActionImport" | "FunctionImport" => {
                let target = ["EntityType", "Type", "Action", "Function"]
                    .iter()
                    .find_map(|k| attrs.get(*k).cloned())
                    .ok_or(format!("<{name}> without its target"))?;
                doc.container.push((name.clone(), get("Name")?, target));
            }
            "Member" => {
                let value = get("Value")?;
                value
                    .parse::<i64>()
                    .map_err(|e| format!("{cur}: {value}: {e}"))?;
                doc.enums.get_mut(&cur).unwrap().push(get("Name")?);
            }
            "Key" => {
                let t = &doc.types[&cur];
                if !t.key.is_empty() || !t.props.is_empty() {
                    return Err(format!("{cur}: Key must come first, once"));
                }
            }
            "PropertyRef" => doc.types.get_mut(&cur).unwrap().key.push(get("Name")?),
            "Property" | "NavigationProperty" => {
                let p = (get("Name")?, get("Type")?, name == "NavigationProperty");
                let t = doc.types.get_mut(&cur).unwrap();
                t.props
                    .push((p.0, p.1, p.2, attrs.get("Nullable").cloned()));
            }
            _ => {}
        }
        if !empty {
            stack.push(name);
        }
    }
    if roots != 1 || services != 1 || !stack.is_empty() || doc.containers > 1 {
        return Err(format!(
            "{roots} roots, {services} DataServices, open {stack:?}"
        ));
    }
    Ok(doc)
}

/// The rules between elements: references resolve, no redeclared names, keys where CSDL
/// allows them.
fn check(doc: &Doc) -> Vec<String> {
    let mut errors = vec![];
    let mut err = |s: String| errors.push(s);
    let strip = |t: &str| -> (String, bool) {
        match t
            .strip_prefix("Collection(")
            .and_then(|t| t.strip_suffix(')'))
        {
            Some(inner) => (inner.to_string(), true),
            None => (t.to_string(), false),
        }
    };
    let known =
        |t: &str| PRIMITIVES.contains(&t) || doc.types.contains_key(t) || doc.enums.contains_key(t);
    for (q, members) in &doc.enums {
        let unique: BTreeSet<_> = members.iter().collect();
        if unique.len() != members.len() || members.is_empty() {
            err(format!("{q}: members empty or repeated: {members:?}"));
        }
        for m in members.iter().filter(|m| !is_simple_identifier(m)) {
            err(format!("{q}: member name {m:?}"));
        }
    }
    for (q, t) in &doc.types {
        // the chain of bases: defined, same kind, no cycle
        let mut chain = vec![q.as_str()];
        let mut base = t.base.as_deref();
        while let Some(b) = base {
            match doc.types.get(b) {
                _ if chain.contains(&b) => {
                    err(format!("{q}: base cycle through {b}"));
                    break;
                }
                Some(bt) if bt.entity == t.entity => {
                    chain.push(b);
                    base = bt.base.as_deref();
                }
                _ => {
                    err(format!("{q}: base {b} undefined or of another kind"));
                    break;
                }
            }
        }
        let mut names = BTreeSet::new();
        for c in chain.iter().rev() {
            for (name, ..) in &doc.types[*c].props {
                if !is_simple_identifier(name) || !names.insert(name.as_str()) {
                    err(format!(
                        "{q}: property {name} invalid or declared twice (in {c})"
                    ));
                }
            }
        }
        for (name, ty, nav, nullable) in &t.props {
            let (inner, collection) = strip(ty);
            let target_entity = doc.types.get(&inner).is_some_and(|t| t.entity);
            if !known(&inner) || *nav != target_entity {
                err(format!(
                    "{q}.{name}: type {ty} unknown or wrong kind (navigation {nav})"
                ));
            }
            if *nav && collection && nullable.is_some() {
                err(format!("{q}.{name}: collection navigation with Nullable"));
            }
        }
        if !t.key.is_empty() && (t.base.is_some() || !t.entity) {
            err(format!("{q}: key on a derived or complex type"));
        }
        for k in &t.key {
            let p = t.props.iter().find(|p| &p.0 == k);
            let ok = p.is_some_and(|(_, ty, nav, nullable)| {
                let key_type = PRIMITIVES.contains(&ty.as_str()) || doc.enums.contains_key(ty);
                !nav && key_type && nullable.as_deref() == Some("false")
            });
            if !ok {
                err(format!(
                    "{q}: key {k} is not a non-nullable primitive property of it"
                ));
            }
        }
        let root = &doc.types[*chain.last().unwrap()];
        if t.entity && !t.is_abstract && root.key.is_empty() {
            err(format!("{q}: concrete entity type without a key"));
        }
    }
    for (q, overloads) in &doc.operations {
        let kinds: BTreeSet<bool> = overloads.iter().map(|o| o.function).collect();
        if kinds.len() > 1 {
            err(format!("{q}: both an action and a function"));
        }
        let mut bindings = BTreeSet::new();
        for o in overloads {
            let mut names = BTreeSet::new();
            for (i, (name, ty)) in o.params.iter().enumerate() {
                let (inner, _) = strip(ty);
                // the binding parameter may be the abstract entity type (binding unknown)
                let abstract_ok = i == 0 && o.bound && inner == "Edm.EntityType";
                if !(known(&inner) || abstract_ok) {
                    err(format!("{q}: parameter {name} of unknown type {ty}"));
                }
                if !is_simple_identifier(name) || !names.insert(name) {
                    err(format!("{q}: parameter {name} invalid or repeated"));
                }
            }
            let binding = o.params.first().filter(|_| o.bound).map(|p| p.1.clone());
            if o.bound && binding.is_none() {
                err(format!("{q}: bound without a binding parameter"));
            }
            if !bindings.insert(binding) {
                err(format!("{q}: two overloads with the same binding"));
            }
            match (&o.returns, o.function) {
                (None, true) => err(format!("{q}: function without a return type")),
                (Some(t), _) if !known(&strip(t).0) => err(format!("{q}: returns unknown {t}")),
                _ => {}
            }
            if o.composable && !o.function {
                err(format!("{q}: a composable action"));
            }
        }
    }
    let mut names = BTreeSet::new();
    for (element, name, target) in &doc.container {
        if !is_simple_identifier(name) || !names.insert(name) {
            err(format!("container: {name} invalid or repeated"));
        }
        let ok = match element.as_str() {
            "EntitySet" | "Singleton" => doc.types.get(target).is_some_and(|t| t.entity),
            _ => doc.operations.get(target).is_some_and(|o| {
                let function = element == "FunctionImport";
                o.iter().any(|o| !o.bound && o.function == function)
            }),
        };
        if !ok {
            err(format!("container: {element} {name} targets {target}"));
        }
    }
    errors
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn docs_ir() -> Ir {
    let mut config = Config::new();
    config.docs(root().join("docs"));
    config.run().unwrap().ir
}

fn valid(xml: &str) -> Doc {
    let doc = read(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let errors = check(&doc);
    assert!(errors.is_empty(), "{}\n{xml}", errors.join("\n"));
    doc
}

#[test]
fn docs_export_is_valid_csdl() {
    let ir = docs_ir();
    let (xml, report) = to_csdl_with_report(&ir);
    let doc = valid(&xml);
    assert_eq!(to_csdl(&ir), xml, "deterministic");
    assert_eq!(doc.namespaces, ["microsoft.graph"]);
    // the docs' `Json` is declared once, as an empty open complex type
    let json = &doc.types["microsoft.graph.Json"];
    assert!(!json.entity && json.props.is_empty() && json.base.is_none());
    assert_eq!(
        (doc.types.len() - 1, doc.enums.len()),
        (report.types, report.enums)
    );
    assert_eq!(
        (ir.types.len(), ir.enums.len()),
        (report.types, report.enums)
    );
    let ty = |n: &str| &doc.types[&format!("microsoft.graph.{n}")];
    let entity = ty("entity");
    assert!(entity.entity && entity.is_abstract && entity.key == ["id"]);
    // keyed on id with no stated base: derives from the root entity, so declares no key
    let job = ty("synchronizationJob");
    assert!(job.entity && job.key.is_empty());
    assert_eq!(job.base.as_deref(), Some("microsoft.graph.entity"));
    let schema = job.props.iter().find(|p| p.0 == "schema").unwrap();
    assert_eq!(
        (schema.1.as_str(), schema.2),
        ("microsoft.graph.synchronizationSchema", true)
    );
    // derived from entity: no key of its own
    let schema = ty("synchronizationSchema");
    assert!(schema.entity && schema.key.is_empty());
    assert_eq!(schema.base.as_deref(), Some("microsoft.graph.entity"));
    // a Relationships row leads to an entity: directoryDefinition has an `id`, so it is one
    // (deriving from entity), and `directories` a NavigationProperty
    let dirs = schema.props.iter().find(|p| p.0 == "directories").unwrap();
    assert_eq!(dirs.1, "Collection(microsoft.graph.directoryDefinition)");
    let definition = ty("directoryDefinition");
    assert!(dirs.2 && definition.entity);
    assert_eq!(definition.base.as_deref(), Some("microsoft.graph.entity"));
    // a property of a complex type stays a Property
    let sched = job.props.iter().find(|p| p.0 == "schedule").unwrap();
    assert!(!sched.2 && !ty("synchronizationSchedule").entity);

    // the actions and functions the paths call, bound to what the path addresses
    let op = |n: &str| {
        let o = &doc.operations[&format!("microsoft.graph.{n}")];
        assert_eq!(o.len(), 1, "{n}: {o:?}");
        o[0].clone()
    };
    for action in ["start", "pause", "restart", "validateCredentials"] {
        let o = op(action);
        assert!(!o.function && o.bound, "{action}: {o:?}");
        assert_eq!(
            o.params[0].1, "microsoft.graph.synchronizationJob",
            "{action}"
        );
    }
    // a POST with a parameters table: the parameters, typed, and the documented result
    let parse = op("parseExpression");
    let names: Vec<&str> = parse.params.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "bindingParameter",
            "expression",
            "testInputObject",
            "targetAttributeDefinition"
        ]
    );
    assert_eq!(parse.params[0].1, "microsoft.graph.synchronizationSchema");
    assert_eq!(
        parse.returns.as_deref(),
        Some("microsoft.graph.parseExpressionResponse")
    );
    // GET pages titled `type: name`: functions, not navigation properties
    for function in ["filterOperators", "functions"] {
        let o = op(function);
        assert!(o.function && o.bound && o.returns.is_some(), "{o:?}");
        assert_eq!(o.params[0].1, "microsoft.graph.synchronizationSchema");
        assert!(!schema.props.iter().any(|p| p.0 == function));
    }
    assert_eq!(
        report.operations,
        doc.operations.values().map(Vec::len).sum::<usize>()
    );
}

/// The docs IR with every irregularity the exporter handles added by hand.
#[test]
fn irregular_ir_still_exports_valid_csdl() {
    let mut ir = docs_ir();
    // A keyed root like the docs' job, without the base the hierarchy gives it.
    let mut job = ir.types["microsoft.graph.synchronizationJob"].clone();
    job.base = None;
    job.properties
        .insert(0, ir.types["microsoft.graph.entity"].properties[0].clone());
    let mut add = |name: &str, f: &dyn Fn(&mut doc2rs::ir::TypeDef)| {
        let mut t = job.clone();
        t.name = format!("microsoft.graph.{name}");
        f(&mut t);
        ir.types.insert(t.name.clone(), t);
    };
    // derived, redeclaring the base's key and properties, with an invalid property name
    add("derivedJob", &|t| {
        t.base = Some("microsoft.graph.synchronizationJob".into());
        t.properties[0].name = "@odata.type".into();
    });
    add("keylessEntity", &|t| t.key = Some("missing".into()));
    add("cycleA", &|t| {
        t.base = Some("microsoft.graph.cycleB".into())
    });
    add("cycleB", &|t| {
        t.base = Some("microsoft.graph.cycleA".into())
    });
    add("orphan", &|t| {
        t.base = Some("microsoft.graph.nowhere".into());
        t.kind = TypeKind::Complex;
        t.key = None;
        // an entity type in the properties list, an unresolved type, an undefined enum
        let mut p = t.properties[1].clone();
        p.name = "job".into();
        p.ty = TypeRef::Complex {
            name: "microsoft.graph.synchronizationJob".into(),
        };
        p.collection = true;
        p.nullable = Some(false);
        t.properties.push(p.clone());
        p.collection = false;
        p.name = "opaque".into();
        p.ty = TypeRef::Opaque {
            spelling: "Integer".into(),
        };
        t.properties.push(p.clone());
        p.name = "undefinedEnum".into();
        p.ty = TypeRef::Enum {
            name: "microsoft.graph.nope".into(),
        };
        t.properties.push(p);
    });
    add("bad name", &|_| {});
    let mut key_typed = job.clone();
    key_typed.name = "microsoft.graph.doubleKey".into();
    key_typed.properties[0].ty = TypeRef::Primitive {
        primitive: Primitive::Double,
    };
    ir.types.insert(key_typed.name.clone(), key_typed);
    let e = ir.enums.get_mut("microsoft.graph.actionSource").unwrap();
    let m = |name: &str, value: Option<&str>| EnumMember {
        name: name.into(),
        value: value.map(Into::into),
        ..e.members[0].clone()
    };
    let extra = [
        m("manual", Some("7")),
        m("not-valid", None),
        m("big", Some("99999999999")),
    ];
    e.members.extend(extra);
    e.flags = true;

    let (xml, report) = to_csdl_with_report(&ir);
    let doc = valid(&xml);
    assert_eq!(report.skipped_types, 1, "{report:?}");
    assert_eq!(report.skipped_members, 2, "{report:?}");
    assert_eq!(report.dropped_bases, 3, "{report:?}");
    assert_eq!(report.demoted_entities, 2, "{report:?}");
    assert!(report.skipped_properties >= 6, "{report:?}");
    let derived = &doc.types["microsoft.graph.derivedJob"];
    assert!(derived.entity && derived.key.is_empty() && derived.props.is_empty());
    assert!(!doc.types["microsoft.graph.keylessEntity"].entity);
    assert!(!doc.types["microsoft.graph.doubleKey"].entity);
    assert!(doc.types["microsoft.graph.cycleA"].base.is_none());
    let orphan = &doc.types["microsoft.graph.orphan"];
    let job = orphan.props.iter().find(|p| p.0 == "job").unwrap();
    assert_eq!(job.1, "Collection(microsoft.graph.synchronizationJob)");
    assert!(
        job.2 && job.3.is_none(),
        "a collection navigation property without Nullable"
    );
    assert!(
        orphan
            .props
            .iter()
            .any(|p| p.0 == "undefinedEnum" && p.1 == "Edm.String")
    );
    assert_eq!(doc.enums["microsoft.graph.actionSource"].len(), 6);
    assert!(
        xml.contains(r#"<EnumType Name="actionSource" UnderlyingType="Edm.Int64" IsFlags="true">"#)
    );
}

/// The checks are not vacuous: each breakage of a valid document is caught.
#[test]
fn checker_catches_violations() {
    let xml = to_csdl(&docs_ir());
    let schema = r#"<EntityType Name="synchronizationSchema" BaseType="microsoft.graph.entity">"#;
    let root = r#"<EntityType Name="entity" Abstract="true">"#;
    for (from, to) in [
        (
            schema,
            &*format!("{schema}<Key><PropertyRef Name=\"version\"/></Key>"),
        ),
        (
            schema,
            &*format!("{schema}<Property Name=\"id\" Type=\"Edm.String\"/>"),
        ),
        (
            schema,
            &*format!("{schema}<Property Name=\"x\" Type=\"Edm.Untyped\"/>"),
        ),
        (
            schema,
            &*format!("{schema}<Property Name=\"@x\" Type=\"Edm.String\"/>"),
        ),
        (
            schema,
            &*format!("{schema}<Annotation Term=\"Core.Description\"/>"),
        ),
        (
            schema,
            &*format!("{schema}<Property Name=\"x\" Type=\"Edm.String\"/><Key/>"),
        ),
        (schema, schema.replace(">", " Unknown=\"1\">").as_str()),
        (schema, schema.replace("entity", "keyValuePair").as_str()),
        (
            schema,
            schema
                .replace(
                    "microsoft.graph.entity",
                    "microsoft.graph.synchronizationSchema",
                )
                .as_str(),
        ),
        (
            "microsoft.graph.synchronizationSchedule\"",
            "microsoft.graph.nothing\"",
        ),
        (
            "<Property Name=\"schedule\"",
            "<NavigationProperty Name=\"schedule\"",
        ),
        (
            "<NavigationProperty Name=\"schema\"",
            "<Property Name=\"schema\"",
        ),
        ("<Member Name=\"automatic\"", "<Member Name=\"manual\""),
        ("Value=\"1\"", "Value=\"one\""),
        ("Abstract=\"true\"", "Abstract=\"yes\""),
        (
            &*format!(
                "{root}\n        <Key>\n          <PropertyRef Name=\"id\"/>\n        </Key>"
            ),
            r#"<EntityType Name="entity">"#,
        ),
        (
            "<PropertyRef Name=\"id\"/>",
            "<PropertyRef Name=\"templateId\"/>",
        ),
        ("</Key>", "</Kye>"),
        (
            "<ComplexType Name=\"filter\">",
            "<ComplexType Name=\"filterGroup\">",
        ),
        ("Version=\"4.0\"", "Version=\"4.01\""),
        // operations: a function without a result, an unknown parameter type, a composable
        // action, an action and a function of one name, a bound one without its binding
        (
            "<ReturnType Type=\"Collection(microsoft.graph.filterOperatorSchema)\"/>",
            "",
        ),
        (
            "Type=\"Collection(microsoft.graph.synchronizationSecretKeyStringValuePair)\"",
            "Type=\"microsoft.graph.nothing\"",
        ),
        (
            "<Action Name=\"start\" IsBound=\"true\">",
            "<Action Name=\"start\" IsBound=\"true\" IsComposable=\"true\">",
        ),
        ("<Action Name=\"start\"", "<Action Name=\"functions\""),
        (
            "<Parameter Name=\"bindingParameter\" Type=\"microsoft.graph.synchronizationJob\"/>",
            "",
        ),
        ("</edmx:Edmx>", "</edmx:Edmx><edmx:Edmx/>"),
    ] {
        assert!(xml.contains(from), "{from}");
        let broken = xml.replacen(from, to, 1);
        let errors = read(&broken).map(|doc| check(&doc));
        assert!(
            !matches!(&errors, Ok(e) if e.is_empty()),
            "not caught: {from} -> {to}"
        );
    }
}

#[test]
fn cli_exports_csdl() {
    let bin = env!("CARGO_BIN_EXE_doc2rs");
    let docs = root().join("docs");
    let out = Command::new(bin)
        .args(["export", "--format", "csdl", "--docs"])
        .arg(&docs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(xml, to_csdl(&docs_ir()));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("graph.csdl.xml");
    let status = Command::new(bin)
        .args(["export", "--format", "csdl", "--docs"])
        .arg(&docs)
        .arg("-o")
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), xml);

    let missing = dir.path().join("no-docs");
    let status = Command::new(bin)
        .args(["export", "--format", "csdl", "--docs"])
        .arg(&missing)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}
