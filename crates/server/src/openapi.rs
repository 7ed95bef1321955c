//! The OpenAPI 3 document, generated from the route annotations. The committed copy
//! (`crates/server/openapi.json`) is checked against it by a test.

use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::routes;

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Interdict API", description = "Counter-terrorism screening: lists, screening, review queue, audit, retention."),
    paths(
        routes::screening::screen_batch,
        routes::screening::yente_match,
        routes::lists::lists,
        routes::lists::import,
        routes::lists::versions,
        routes::lists::diff,
        routes::alerts::list_alerts,
        routes::alerts::get_alert,
        routes::alerts::decide,
        routes::alerts::list_cases,
        routes::alerts::create_case,
        routes::alerts::get_case,
        routes::audit::records,
        routes::audit::verify,
        routes::audit::anchor,
        routes::passengers::add,
        routes::passengers::get,
        routes::passengers::request,
        routes::passengers::approve,
        routes::passengers::record,
        routes::passengers::run_retention,
        routes::travel::messages,
        routes::finance::transactions,
        routes::hashes::banks,
        routes::hashes::import_bank,
        routes::hashes::match_hashes,
        routes::hashes::match_image,
        routes::admin::users,
        routes::admin::create_user,
        routes::admin::revoke_key,
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
    ),
    modifiers(&ApiKeyAuth)
)]
pub struct ApiDoc;

#[derive(Debug)]
struct ApiKeyAuth;

impl Modify for ApiKeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("idk_<id>_<secret>")
                    .build(),
            ),
        );
    }
}

/// The document as pretty-printed JSON (what is committed).
pub fn openapi_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc.to_pretty_json().unwrap_or_default() + "\n"
}
