//! The service the paths describe (entity sets, singletons, actions, functions), on fixture
//! pages with one rule each (see `ir::service`), and its CSDL export.

use doc2rs::Config;
use doc2rs::export::csdl::to_csdl_with_report;
use doc2rs::ir::service::{self, Binding, CallKind, ServiceOperation};
use doc2rs::ir::{Ir, TypeRef};
use std::path::Path;

fn fixture() -> (Ir, Vec<doc2rs::diag::Diagnostic>) {
    let mut config = Config::new();
    config.docs(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/service"));
    let g = config.run().unwrap();
    (g.ir, g.diagnostics)
}

fn bound(ty: &str, collection: bool) -> Option<Binding> {
    let ty = Some(format!("microsoft.graph.{ty}"));
    Some(Binding { ty, collection })
}

fn find<'a>(ops: &'a [ServiceOperation], name: &str) -> Vec<&'a ServiceOperation> {
    ops.iter().filter(|o| o.name == name).collect()
}

#[test]
fn calls_and_roots_from_the_paths() {
    let (ir, _) = fixture();
    let s = service::of(&ir);
    let names: Vec<&str> = s.operations.iter().map(|o| o.name.as_str()).collect();
    // the cast (`microsoft.graph.gadgetPart`), the key (`widgets({id})`), the create
    // (`POST /widgets`, `POST /me/parts`) and the navigation (`parts`) call nothing
    // one per name and binding: `recolor` on `/widgets/{id}` and on `/me` is one action
    assert_eq!(names, ["delta", "delta", "recolor", "resetAll", "usage"]);

    // `f()` after a collection, and a plain GET after a collection: functions on it
    let delta = find(&s.operations, "delta");
    assert!(
        delta
            .iter()
            .all(|o| o.kind == CallKind::Function && !o.composable)
    );
    let bindings: Vec<_> = delta.iter().map(|o| o.binding.clone()).collect();
    assert_eq!(bindings, [bound("part", true), bound("widget", true)]);
    // a POST after an entity to a segment that is no property of it, with its parameters
    let recolor = find(&s.operations, "recolor");
    assert!(
        recolor
            .iter()
            .all(|o| o.kind == CallKind::Action && o.returns.is_none())
    );
    let bindings: Vec<_> = recolor.iter().map(|o| o.binding.clone()).collect();
    assert_eq!(bindings, [bound("widget", false)]);
    let params: Vec<&str> = recolor[0].params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["color", "intensity"]);
    // a qualified one-segment POST: an unbound action
    let reset = find(&s.operations, "resetAll")[0];
    assert_eq!(
        (reset.kind, reset.binding.clone()),
        (CallKind::Action, None)
    );
    // a qualified function with parameters in the parentheses, composable (a path goes on)
    let usage = find(&s.operations, "usage")[0];
    assert_eq!(usage.binding, bound("widget", false));
    let params: Vec<&str> = usage.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["period", "detail"]);
    assert!(usage.composable);
    let report = TypeRef::Complex {
        name: "microsoft.graph.usageReport".into(),
    };
    assert_eq!(usage.returns, Some((report, false)));

    let roots: Vec<(&str, &str, bool)> = s
        .roots
        .iter()
        .map(|r| (r.name.as_str(), r.ty.as_str(), r.collection))
        .collect();
    assert_eq!(
        roots,
        [
            ("me", "microsoft.graph.widget", false),
            ("widgets", "microsoft.graph.widget", true)
        ]
    );
    // a called segment is not taken for a navigation property
    let widget = &ir.types["microsoft.graph.widget"];
    let navs: Vec<&str> = widget.navigation.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(navs, ["parts"]);
}

#[test]
fn a_resource_page_with_an_api_page_header_is_read_as_a_resource() {
    let (ir, diags) = fixture();
    assert!(ir.types.contains_key("microsoft.graph.usageReport"));
    let d = diags.iter().find(|d| d.code.as_str() == "D2R109").unwrap();
    assert_eq!(
        (d.loc.file.as_str(), d.loc.line),
        ("resources/usagereport.md", 1)
    );
}

#[test]
fn csdl_has_the_operations_and_the_container() {
    let (ir, _) = fixture();
    let (xml, report) = to_csdl_with_report(&ir);
    let lines: Vec<&str> = xml.lines().map(str::trim).collect();
    for want in [
        r#"<Function Name="delta" IsBound="true">|<Parameter Name="bindingParameter" Type="Collection(microsoft.graph.widget)"/>|<ReturnType Type="Collection(microsoft.graph.widget)"/>|</Function>"#,
        r#"<Action Name="recolor" IsBound="true">|<Parameter Name="bindingParameter" Type="microsoft.graph.widget"/>|<Parameter Name="color" Type="Edm.String"/>|<Parameter Name="intensity" Type="Edm.Int32"/>|</Action>"#,
        r#"<Action Name="resetAll">|<Parameter Name="force" Type="Edm.Boolean"/>|</Action>"#,
        r#"<Function Name="usage" IsBound="true" IsComposable="true">|<Parameter Name="bindingParameter" Type="microsoft.graph.widget"/>|<Parameter Name="period" Type="Edm.String"/>|<Parameter Name="detail" Type="Edm.String"/>|<ReturnType Type="microsoft.graph.usageReport"/>|</Function>"#,
        r#"<EntityContainer Name="Service">|<Singleton Name="me" Type="microsoft.graph.widget"/>|<EntitySet Name="widgets" EntityType="microsoft.graph.widget"/>|<ActionImport Name="resetAll" Action="microsoft.graph.resetAll"/>|</EntityContainer>"#,
    ] {
        let want: Vec<&str> = want.split('|').collect();
        assert!(
            lines.windows(want.len()).any(|w| w == want),
            "missing {want:?}\n{xml}"
        );
    }
    assert_eq!((report.operations, report.container_children), (5, 3));
}
