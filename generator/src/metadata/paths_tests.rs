//! The path resolver on a small hand-written service: each kind of segment, and each way a
//! path fails.

use super::csdl_read::read;
use super::paths::{Service, segments};
use crate::ir::path;

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="entity" Abstract="true">
    <Key><PropertyRef Name="id" /></Key>
    <Property Name="id" Type="Edm.String" Nullable="false" />
  </EntityType>
  <EntityType Name="directoryObject" BaseType="graph.entity" />
  <EntityType Name="user" BaseType="graph.directoryObject">
    <Property Name="mailboxSettings" Type="graph.mailboxSettings" />
    <NavigationProperty Name="messages" Type="Collection(graph.message)" ContainsTarget="true" />
    <NavigationProperty Name="drive" Type="graph.drive" ContainsTarget="true" />
    <NavigationProperty Name="manager" Type="graph.directoryObject" />
  </EntityType>
  <EntityType Name="group" BaseType="graph.directoryObject">
    <NavigationProperty Name="members" Type="Collection(graph.directoryObject)" />
  </EntityType>
  <EntityType Name="directoryRole" BaseType="graph.directoryObject">
    <Property Name="roleTemplateId" Type="Edm.String" />
  </EntityType>
  <ComplexType Name="mailboxSettings">
    <Property Name="timeZone" Type="Edm.String" />
  </ComplexType>
  <EntityType Name="message" BaseType="graph.entity" HasStream="true" />
  <EntityType Name="drive" BaseType="graph.entity">
    <NavigationProperty Name="root" Type="graph.driveItem" ContainsTarget="true" />
    <NavigationProperty Name="items" Type="Collection(graph.driveItem)" ContainsTarget="true" />
  </EntityType>
  <EntityType Name="driveItem" BaseType="graph.entity">
    <Property Name="content" Type="Edm.Stream" />
    <NavigationProperty Name="children" Type="Collection(graph.driveItem)" ContainsTarget="true" />
    <NavigationProperty Name="workbook" Type="graph.workbook" ContainsTarget="true" />
  </EntityType>
  <EntityType Name="workbook" BaseType="graph.entity">
    <NavigationProperty Name="worksheets" Type="Collection(graph.workbookWorksheet)" ContainsTarget="true" />
  </EntityType>
  <EntityType Name="workbookWorksheet" BaseType="graph.entity" />
  <EntityType Name="workbookRange" BaseType="graph.entity">
    <Property Name="address" Type="Edm.String" />
  </EntityType>
  <Function Name="delta" IsBound="true">
    <Parameter Name="bindingParameter" Type="Collection(graph.user)" />
    <ReturnType Type="Collection(graph.user)" />
  </Function>
  <Function Name="range" IsBound="true" IsComposable="true">
    <Parameter Name="bindingParameter" Type="graph.workbookWorksheet" />
    <Parameter Name="address" Type="Edm.String" />
    <ReturnType Type="graph.workbookRange" />
  </Function>
  <Action Name="checkMemberGroups" IsBound="true">
    <Parameter Name="bindingParameter" Type="graph.directoryObject" />
    <Parameter Name="groupIds" Type="Collection(Edm.String)" />
    <ReturnType Type="Collection(Edm.String)" />
  </Action>
  <EntityContainer Name="GraphService">
    <EntitySet Name="users" EntityType="microsoft.graph.user">
      <NavigationPropertyBinding Path="manager" Target="directoryObjects" />
    </EntitySet>
    <EntitySet Name="groups" EntityType="microsoft.graph.group" />
    <EntitySet Name="directoryObjects" EntityType="microsoft.graph.directoryObject" />
    <EntitySet Name="directoryRoles" EntityType="microsoft.graph.directoryRole" />
    <Singleton Name="me" Type="microsoft.graph.user" />
  </EntityContainer>
</Schema>
</edmx:DataServices>
</edmx:Edmx>
"#;

/// `Ok(())`, or the failing segment's number (1-based) and what was expected there.
fn resolve(raw: &str) -> Result<(), (usize, String)> {
    resolve_called(raw, false)
}

fn resolve_called(raw: &str, called: bool) -> Result<(), (usize, String)> {
    let doc = read(CSDL).unwrap();
    let service = Service::new(&doc);
    let t = path::parse(raw).unwrap();
    service
        .resolve(&segments(&t), called)
        .map_err(|u| (u.index + 1, u.expected))
}

#[test]
fn reads_the_container_keys_and_signatures() {
    let doc = read(CSDL).unwrap();
    let names: Vec<&str> = doc.roots.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "users",
            "groups",
            "directoryObjects",
            "directoryRoles",
            "me"
        ]
    );
    assert_eq!(doc.types.get("microsoft.graph.entity").unwrap().key, ["id"]);
    assert!(doc.types.get("microsoft.graph.message").unwrap().has_stream);
    let user = doc.types.get("microsoft.graph.user").unwrap();
    assert!(user.navs.get("messages").unwrap().contains_target);
    assert!(!user.navs.get("manager").unwrap().contains_target);
    let range = doc.operations.iter().find(|o| o.name == "range").unwrap();
    assert!(range.composable);
    assert_eq!(range.params, ["address"]);
    assert_eq!(
        range.returns.as_deref(),
        Some("microsoft.graph.workbookRange")
    );
}

#[test]
fn roots_keys_and_members() {
    for ok in [
        "/users",
        "/users/{id}",
        "/users('{id}')",
        "/me",
        "https://graph.microsoft.com/beta/me/messages?$top=2",
        "/users/{id | userPrincipalName}/messages/{id}",
        // inherited from the base, any case
        "/USERS/{ID}/Messages",
        // a complex property and its primitive
        "/me/mailboxSettings",
        "/me/mailboxSettings/timeZone",
        "/me/mailboxSettings/timeZone/$value",
        // an alternate key written as a segment
        "/directoryRoles/roleTemplateId={roleTemplateId}",
        // a fixed key
        "/users/applicationProxy/messages",
    ] {
        assert_eq!(resolve(ok), Ok(()), "{ok}");
    }
}

#[test]
fn system_segments_streams_and_addressing() {
    for ok in [
        "/users/$count",
        "/users/{id}/manager/$ref",
        "/groups/{id}/members/$ref",
        // a media entity's stream, an Edm.Stream property
        "/me/messages/{id}/$value",
        "/me/drive/items/{id}/content",
        // path addressing goes on at the driveItem
        "/me/drive/root:/{item-path}:/children",
        "/me/drive/root:/{item-path}:",
        "/me/drive/items/{parent-id}:/{filename}:/content",
    ] {
        assert_eq!(resolve(ok), Ok(()), "{ok}");
    }
}

#[test]
fn casts_and_operations() {
    for ok in [
        "/groups/{id}/members/microsoft.graph.user",
        "/groups/{id}/members/microsoft.graph.user/{id}/messages",
        // unqualified, as the docs write it
        "/groups/{id}/members/user",
        // bound to a collection, with `()`, qualified, or without parentheses
        "/users/delta()",
        "/users/microsoft.graph.delta()",
        "/users/delta",
        // bound to a base type
        "/users/{id}/checkMemberGroups",
        // a composable function goes on at its result
        "/me/drive/items/{id}/workbook/worksheets/{id}/range(address='{address}')/address",
        // a key in parentheses after a collection-valued navigation property
        "/me/drive/items/{id}/workbook/worksheets(<key>)/range()",
    ] {
        assert_eq!(resolve(ok), Ok(()), "{ok}");
    }
}

#[test]
fn what_does_not_resolve_says_where_and_why() {
    let err = |raw| resolve(raw).unwrap_err();
    let (n, why) = err("/people/{id}");
    assert_eq!(n, 1);
    assert!(why.contains("named nowhere"), "{why}");
    let (n, why) = err("/users/{id}/messages/{id}/attachments");
    assert_eq!(n, 5);
    assert!(why.contains("of `microsoft.graph.message`"), "{why}");
    // a member of a derived type, without the cast
    let (n, why) = err("/directoryObjects/{id}/members");
    assert_eq!(n, 3);
    assert!(why.contains("belongs to `microsoft.graph.group`"), "{why}");
    // nothing after an action, a key on one entity, `$value` of a non-media entity
    assert_eq!(err("/users/{id}/checkMemberGroups/x").0, 4);
    assert_eq!(err("/me/{id}").0, 2);
    assert_eq!(err("/me/drive/$value").0, 3);
    // a sample id, a member standing where the key was left out, a bound function not
    // bound here: no fixed keys
    assert_eq!(
        err("/users/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/messages").0,
        2
    );
    assert_eq!(err("/users/messages").0, 2);
    assert_eq!(err("/groups/delta").0, 2);
    // a segment the docs call is no fixed key either
    assert_eq!(
        resolve_called("/users/getPstnCalls", true).unwrap_err().0,
        2
    );
    assert_eq!(resolve("/users/getPstnCalls"), Ok(()));
}
