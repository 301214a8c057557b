//! The OpenAPI 3.1 document, generated from the handlers' annotations and the model's schemas.
use utoipa::{
    IntoParams, Modify, OpenApi, PartialSchema, ToSchema,
    openapi::{
        ArrayBuilder, ObjectBuilder, RefOr, Required, Schema,
        path::{Parameter, ParameterBuilder, ParameterIn},
        schema::{KnownFormat, SchemaFormat, Type},
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use super::{events, tasks};
use crate::model::{
    CompleteBody, FieldError, LIMIT_DEFAULT, LIMIT_MAX, NewTask, Order, Priority, Problem, SortKey, StatusFilter,
    TAG_MAX, TAGS_MAX, TagName, Tags, Task, TaskPatch, TaskReplace,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Ticklist API", description = "User-scoped tasks; every request carries a Better Auth JWT as a Bearer token."),
    paths(tasks::list, tasks::create, tasks::get, tasks::replace, tasks::patch, tasks::delete, tasks::complete, events::events),
    components(schemas(Task, Priority, NewTask, TaskReplace, TaskPatch, CompleteBody, Tags, TagName, Problem, FieldError)),
    modifiers(&BearerAuth),
    tags((name = "tasks", description = "A user's tasks"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// `GET /api/openapi.json`.
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// `Priority` is a string of its wire words (see `model::words`), listed from the same table.
impl PartialSchema for Priority {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("How urgent a task is. Ordered: `Low < Medium < High`."))
            .enum_values(Some(Priority::WORDS))
            .into()
    }
}

impl ToSchema for Priority {}

/// The list query's parameters (`GET /api/{user_id}/tasks?...`). Written out here rather than in the
/// `#[utoipa::path]` attribute because an attribute takes only literals: this way the patterns and
/// limits come from the model's words and constants, which the parser uses too.
pub struct ListParams;

impl IntoParams for ListParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let words = |pattern: &str| ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).build();
        let date = || {
            ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        };
        let tag = ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::String).pattern(Some(r"\S")).max_length(Some(TAG_MAX)))
            .max_items(Some(TAGS_MAX));
        let integer = |minimum: u64, maximum: Option<u64>| {
            ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(minimum)).maximum(maximum)
        };
        let choices = |words: &[&str], default: &str| format!("{} (default {default})", words.join(" | "));
        [
            (
                "status",
                words(StatusFilter::PATTERN).into(),
                choices(&StatusFilter::WORDS, StatusFilter::default().as_str()),
            ),
            (
                "q",
                ObjectBuilder::new().schema_type(Type::String).into(),
                "Text searched in title and description, case-insensitive".into(),
            ),
            ("tag", tag.into(), format!("A tag; repeatable, at most {TAGS_MAX} (tasks having all)")),
            ("priority", words(Priority::PATTERN).into(), Priority::WORDS.join(" | ")),
            ("due_before", date().into(), "YYYY-MM-DD, inclusive".into()),
            ("due_after", date().into(), "YYYY-MM-DD, inclusive".into()),
            ("sort", words(SortKey::PATTERN).into(), choices(&SortKey::WORDS, SortKey::default().as_str())),
            ("order", words(Order::PATTERN).into(), choices(&Order::WORDS, Order::default().as_str())),
            (
                "limit",
                integer(1, Some(u64::from(LIMIT_MAX))).into(),
                format!("1-{LIMIT_MAX} (default {LIMIT_DEFAULT})"),
            ),
            ("offset", integer(0, None).into(), ">= 0 (default 0)".into()),
        ]
        .into_iter()
        .map(|(name, schema, description): (&str, RefOr<Schema>, String)| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        })
        .collect()
    }
}
