//! The reader and the comparison on tiny hand-written documents.

use super::compare::{Anchor, Finding, compare, same_type};
use super::csdl_read::{Pos, norm, read, resolve};
use crate::diag::Code;

const EDM: &str = r#"xmlns="http://docs.oasis-open.org/odata/ns/edm""#;

fn edmx(schemas: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<edmx:Edmx Version=\"4.0\" \
         xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n<edmx:DataServices>\n\
         {schemas}</edmx:DataServices>\n</edmx:Edmx>\n"
    )
}

/// The official side: an aliased schema and a second one that says `graph.` without an alias.
fn official() -> String {
    edmx(&format!(
        r#"<Schema Namespace="microsoft.graph" Alias="graph" {EDM}>
  <EnumType Name="color">
    <Member Name="red" Value="0" />
    <Member Name="Green" Value="1" />
    <Member Name="blue" Value="2" />
  </EnumType>
  <EnumType Name="shape">
    <Member Name="round" Value="0" />
  </EnumType>
  <EntityType Name="entity" Abstract="true">
    <Key><PropertyRef Name="id" /></Key>
    <Property Name="id" Type="Edm.String" Nullable="false" />
  </EntityType>
  <EntityType Name="widget" BaseType="graph.entity">
    <Property Name="displayName" Type="Edm.String" />
    <Property Name="color" Type="graph.color" />
    <Property Name="size" Type="Edm.Int32" />
    <Property Name="tags" Type="Collection(Edm.String)" />
    <Property Name="weight" Type="Edm.Double" />
    <NavigationProperty Name="parts" Type="Collection(graph.part)" />
    <NavigationProperty Name="owner" Type="microsoft.graph.entity" />
    <NavigationProperty Name="maker" Type="graph.entity" />
  </EntityType>
  <EntityType Name="part" BaseType="graph.entity">
    <Property Name="Label" Type="Edm.String" />
  </EntityType>
  <ComplexType Name="gadget" BaseType="graph.widgetBase">
  </ComplexType>
  <ComplexType Name="missingThing">
    <Property Name="x" Type="Edm.String" />
  </ComplexType>
  <Action Name="rotate" IsBound="true">
    <Parameter Name="bindingParameter" Type="graph.widget" />
  </Action>
  <Function Name="describe" IsBound="true">
    <Parameter Name="bindingParameter" Type="Collection(graph.part)" />
    <ReturnType Type="Edm.String" />
  </Function>
  <Function Name="describe" IsBound="true">
    <Parameter Name="bindingParameter" Type="graph.widget" />
  </Function>
  <Action Name="reset" />
  <Action Name="rotate" IsBound="true">
    <Parameter Name="bindingParameter" Type="graph.part" />
  </Action>
</Schema>
<Schema Namespace="microsoft.graph.extra" {EDM}>
  <ComplexType Name="note"><Property Name="text" Type="graph.color" /></ComplexType>
</Schema>
"#
    ))
}

/// The candidate side: no alias, other case, one type moved to another namespace.
fn candidate() -> String {
    edmx(&format!(
        r#"<Schema Namespace="microsoft.graph" {EDM}>
  <EnumType Name="Color"><Member Name="red" Value="0"/><Member Name="green" Value="1"/></EnumType>
  <EntityType Name="Entity" Abstract="true"><Property Name="ID" Type="Edm.String"/></EntityType>
  <EntityType Name="widget" BaseType="microsoft.graph.entity">
    <Property Name="displayname" Type="Edm.String"/>
    <Property Name="color" Type="Edm.String"/>
    <Property Name="size" Type="Edm.Int64"/>
    <Property Name="tags" Type="Collection(Edm.String)"/>
    <NavigationProperty Name="parts" Type="Collection(microsoft.graph.part)"/>
    <Property Name="owner" Type="microsoft.graph.entity"/>
  </EntityType>
  <ComplexType Name="gadget"/>
</Schema>
<Schema Namespace="other.ns" {EDM}>
  <EntityType Name="part" BaseType="other.ns.thing"><Property Name="label" Type="Edm.String"/></EntityType>
  <ComplexType Name="note"><Property Name="text" Type="Collection(microsoft.graph.color)"/></ComplexType>
  <ComplexType Name="extraOnly"/>
  <Function Name="Describe"/>
</Schema>
"#
    ))
}

/// Where `needle` starts in `text` (1-based line and column).
fn pos_of(text: &str, needle: &str) -> Pos {
    let at = text.find(needle).expect("needle present");
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    Pos {
        line: line as u32,
        col: col as u32,
    }
}

#[test]
fn norm_follows_the_referee() {
    let g = Some("graph");
    assert_eq!(
        norm("graph.user", g, "microsoft.graph"),
        "microsoft.graph.user"
    );
    assert_eq!(
        norm(" Collection(graph.User) ", g, "microsoft.graph"),
        "Collection(microsoft.graph.user)"
    );
    // `graph.` without an alias, and in a schema with another alias.
    assert_eq!(norm("graph.user", None, "x"), "microsoft.graph.user");
    assert_eq!(norm("Graph.User", Some("t"), "x"), "microsoft.graph.user");
    assert_eq!(norm("t.thing", Some("t"), "a.b"), "a.b.thing");
    // The alias must be followed by a dot; case matters for the alias.
    assert_eq!(norm("tx.thing", Some("t"), "a.b"), "tx.thing");
    assert_eq!(norm("T.thing", Some("t"), "a.b"), "t.thing");
    assert_eq!(norm("Edm.String", g, "microsoft.graph"), "edm.string");
    assert_eq!(norm("", g, "microsoft.graph"), "");
    // `t[len('Collection('):-1]` drops the last character whatever it is.
    assert_eq!(
        norm("Collection(Edm.Int32", None, "x"),
        "Collection(edm.int3)"
    );
    assert_eq!(
        resolve("Collection(graph.User)", g, "microsoft.graph"),
        "Collection(microsoft.graph.User)"
    );
    assert!(same_type("microsoft.graph.user", "Microsoft.Graph.User"));
    assert!(same_type("microsoft.graph.user", "other.user"));
    assert!(!same_type("Collection(a.user)", "a.user"));
    assert!(same_type("Collection(a.user)", "Collection(b.user)"));
    assert!(!same_type("a.user", ""));
}

#[test]
fn reader_keeps_names_positions_and_operations() {
    let text = official();
    let doc = read(&text).unwrap();
    let keys: Vec<&str> = doc.types.keys().collect();
    assert_eq!(
        keys,
        [
            "microsoft.graph.entity",
            "microsoft.graph.widget",
            "microsoft.graph.part",
            "microsoft.graph.gadget",
            "microsoft.graph.missingthing",
            "microsoft.graph.extra.note"
        ]
    );
    let widget = doc.types.get("microsoft.graph.widget").unwrap();
    assert_eq!(widget.kind, "EntityType");
    assert_eq!(widget.name, "microsoft.graph.widget");
    assert_eq!(widget.base, "microsoft.graph.entity");
    assert_eq!(widget.pos, pos_of(&text, r#"<EntityType Name="widget""#));
    let color = widget.props.get("color").unwrap();
    assert_eq!(
        (color.ty.as_str(), color.shown.as_str(), color.name.as_str()),
        ("microsoft.graph.color", "microsoft.graph.color", "color")
    );
    assert_eq!(
        widget.navs.get("parts").unwrap().ty,
        "Collection(microsoft.graph.part)"
    );
    assert_eq!(
        widget.props.get("weight").unwrap().pos,
        pos_of(&text, r#"<Property Name="weight""#)
    );
    assert_eq!(widget.props.len(), 5);
    let note = doc.types.get("microsoft.graph.extra.note").unwrap();
    assert_eq!(note.props.get("text").unwrap().ty, "microsoft.graph.color");
    let color = doc.enums.get("microsoft.graph.color").unwrap();
    let members: Vec<&str> = color.members.keys().map(String::as_str).collect();
    assert_eq!(members, ["blue", "green", "red"]);
    let ops: Vec<(&str, &str, Option<&str>)> = doc
        .operations
        .iter()
        .map(|o| (o.kind.as_str(), o.name.as_str(), o.bound.as_deref()))
        .collect();
    assert_eq!(
        ops,
        [
            ("Action", "rotate", Some("microsoft.graph.widget")),
            (
                "Function",
                "describe",
                Some("Collection(microsoft.graph.part)")
            ),
            ("Function", "describe", Some("microsoft.graph.widget")),
            ("Action", "reset", None),
            ("Action", "rotate", Some("microsoft.graph.part")),
        ]
    );
}

#[test]
fn reader_handles_bom_duplicates_and_errors() {
    let text = "\u{feff}<Edmx><Schema Namespace=\"n\">\n  <ComplexType Name=\"a\"><Property Name=\"p\" Type=\"Edm.String\"/></ComplexType>\n  \
         <ComplexType Name=\"b\"/>\n  <ComplexType Name=\"A\"><Property Name=\"q\" Type=\"n.b\"/></ComplexType>\n\
         <Annotations Target=\"n.a\"><Annotation Term=\"x\"><Property Name=\"z\" Type=\"Edm.Int32\"/></Annotation></Annotations>\n\
         </Schema></Edmx>";
    let doc = read(text).unwrap();
    let keys: Vec<&str> = doc.types.keys().collect();
    // A later definition replaces the earlier one but keeps its place.
    assert_eq!(keys, ["n.a", "n.b"]);
    let a = doc.types.get("n.a").unwrap();
    assert_eq!(a.name, "n.A");
    assert!(a.props.get("p").is_none() && a.props.get("q").is_some());
    // The BOM is one character on line 1; the second line is where it is.
    assert_eq!(a.pos, Pos { line: 4, col: 3 });
    assert_eq!(doc.types.get("n.b").unwrap().pos, Pos { line: 3, col: 3 });
    let err = read("<Edmx>\n<Schema Namespace=\"n\">\n</Edmx>").unwrap_err();
    assert!(err.starts_with("3:"), "{err}");
}

fn find(findings: &[Finding], code: Code) -> Vec<&Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

#[test]
fn comparison_counts_like_the_referee_and_finds_every_kind() {
    let (off_text, cand_text) = (official(), candidate());
    let cmp = compare(&read(&off_text).unwrap(), &read(&cand_text).unwrap());
    let f = cmp.figures;
    assert_eq!((f.types_official, f.types_candidate), (6, 6));
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    for (name, got, want) in [
        ("type_recall", f.type_recall, 5.0 / 6.0),
        ("type_precision", f.type_precision, 5.0 / 6.0),
        ("property_recall", f.property_recall, 7.0 / 8.0),
        (
            "property_type_agreement",
            f.property_type_agreement,
            4.0 / 7.0,
        ),
        ("nav_recall", f.nav_recall, 2.0 / 3.0),
        ("base_type_agreement", f.base_type_agreement, 1.0 / 3.0),
        ("enum_member_recall", f.enum_member_recall, 2.0 / 4.0),
        ("operation_recall", f.operation_recall, 1.0 / 3.0),
    ] {
        assert!(close(got, want), "{name}: {got} != {want}");
    }
    let fs = &cmp.findings;
    let ty = |t: &str| t.to_string();
    let one = |code| {
        let v = find(fs, code);
        assert_eq!(v.len(), 1, "{code:?}: {v:#?}");
        v[0].clone()
    };
    let missing = one(Code::MetadataTypeMissing);
    assert_eq!(
        missing.anchor,
        Anchor::Reference {
            short: ty("missingthing")
        }
    );
    assert!(missing.message.contains("`microsoft.graph.missingThing`"));
    assert_eq!(
        missing.official,
        pos_of(&off_text, r#"<ComplexType Name="missingThing""#)
    );

    let weight = one(Code::MetadataPropertyMissing);
    assert!(weight.message.contains("`weight`"), "{}", weight.message);
    assert_eq!(
        weight.anchor,
        Anchor::Type {
            ty: ty("microsoft.graph.widget")
        }
    );
    assert_eq!(
        weight.official,
        pos_of(&off_text, r#"<Property Name="weight""#)
    );

    let as_string = one(Code::MetadataEnumAsString);
    assert_eq!(
        as_string.anchor,
        Anchor::Property {
            ty: ty("microsoft.graph.widget"),
            prop: ty("color")
        }
    );
    let typed = find(fs, Code::MetadataPropertyType);
    let typed: Vec<(&Anchor, &str)> = typed
        .iter()
        .map(|f| (&f.anchor, f.message.as_str()))
        .collect();
    assert_eq!(typed.len(), 2, "{typed:#?}");
    assert!(typed.iter().any(|(a, m)| **a
        == Anchor::Property {
            ty: ty("microsoft.graph.widget"),
            prop: ty("size")
        }
        && m.contains("`Edm.Int32`")
        && m.contains("`Edm.Int64`")));
    // A collection of an enum where the official property holds one is a type mismatch, not
    // "enum as String"; the candidate type is in another namespace (matched by short name).
    assert!(typed.iter().any(|(a, _)| **a
        == Anchor::Property {
            ty: ty("other.ns.note"),
            prop: ty("text")
        }));

    let base_missing = one(Code::MetadataBaseMissing);
    assert_eq!(
        base_missing.anchor,
        Anchor::Base {
            ty: ty("microsoft.graph.gadget")
        }
    );
    assert!(
        base_missing
            .message
            .contains("`microsoft.graph.widgetBase`")
    );
    let base_differs = one(Code::MetadataBaseDiffers);
    assert_eq!(
        base_differs.anchor,
        Anchor::Base {
            ty: ty("other.ns.part")
        }
    );
    assert!(base_differs.message.contains("`other.ns.thing`"));

    let nav = one(Code::MetadataNavigationMissing);
    assert!(nav.message.contains("`maker`"));
    assert_eq!(
        nav.official,
        pos_of(&off_text, r#"<NavigationProperty Name="maker""#)
    );

    let member = one(Code::MetadataEnumMemberMissing);
    assert!(
        member.message.contains("1 official member: `blue`"),
        "{}",
        member.message
    );
    assert_eq!(
        member.anchor,
        Anchor::Enum {
            name: ty("microsoft.graph.color")
        }
    );
    assert_eq!(member.official, pos_of(&off_text, r#"<Member Name="blue""#));
    let shape = one(Code::MetadataEnumMissing);
    assert_eq!(shape.anchor, Anchor::Reference { short: ty("shape") });

    let ops = find(fs, Code::MetadataOperationMissing);
    let ops: Vec<(&Anchor, &str)> = ops
        .iter()
        .map(|f| (&f.anchor, f.message.as_str()))
        .collect();
    assert_eq!(ops.len(), 2, "{ops:#?}");
    // A bound operation points at its binding type when the docs have it.
    assert!(ops.iter().any(|(a, m)| **a
        == Anchor::Type {
            ty: ty("microsoft.graph.widget")
        }
        && m.contains("`rotate` (bound to `microsoft.graph.widget`) (and 1 more of that name)")));
    assert!(
        ops.iter()
            .any(|(a, m)| **a == Anchor::Official && m.contains("`reset`"))
    );
    assert_eq!(fs.len(), 12, "{fs:#?}");
}

#[test]
fn empty_documents_compare_as_ones() {
    let empty = read(&edmx("")).unwrap();
    let cmp = compare(&empty, &empty);
    assert!(cmp.findings.is_empty());
    let f = cmp.figures;
    assert_eq!((f.types_official, f.types_candidate), (0, 0));
    assert_eq!(
        [f.type_recall, f.type_precision, f.operation_recall],
        [1.0, 1.0, 1.0]
    );
}

#[test]
fn figure_lines() {
    let empty = read(&edmx("")).unwrap();
    let f = compare(&read(&official()).unwrap(), &empty).figures;
    let line = super::figures_line(&f);
    assert!(
        line.starts_with(
            "types_official 6, types_candidate 0, type_recall .000, type_precision 1.000"
        ),
        "{line}"
    );
    let table = super::figures_table(&f);
    assert!(table.starts_with("figure"), "{table}");
    assert!(
        table.contains("\ntype_recall                0.000\n"),
        "{table}"
    );
}
