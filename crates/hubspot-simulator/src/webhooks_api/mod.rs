//! The Webhooks developer API (`hapikey`) under each of its roots: v3
//! (`/webhooks/v3/{appId}/...`) and the dated `/webhooks/2026-03/{appId}/...`
//! and `/app-webhooks/2026-09/{appId}/...`, which have the same shapes except
//! that throttling has no `period`. It holds the app's target URL and its
//! subscriptions. Changing the target here changes where deliveries go;
//! subscriptions decide which events exist.

mod admit;
mod settings;
mod subscriptions;

use actix_web::web;

use settings::{delete_settings, get_settings, put_settings};
use subscriptions::{
    create_subscription, delete_subscription, list_subscriptions, patch_subscription,
};

/// The roots the Webhooks API is served under, legacy first.
const WEBHOOKS_API_ROOTS: [&str; 3] =
    ["/webhooks/v3", "/webhooks/2026-03", "/app-webhooks/2026-09"];

/// Registers the `{root}/{appId}/...` routes of every root.
pub fn routes(config: &mut web::ServiceConfig) {
    for root in WEBHOOKS_API_ROOTS {
        config
            .service(
                web::resource(format!("{root}/{{app_id}}/settings"))
                    .route(web::get().to(get_settings))
                    .route(web::put().to(put_settings))
                    .route(web::delete().to(delete_settings)),
            )
            .service(
                web::resource(format!("{root}/{{app_id}}/subscriptions"))
                    .route(web::get().to(list_subscriptions))
                    .route(web::post().to(create_subscription)),
            )
            .service(
                web::resource(format!(
                    "{root}/{{app_id}}/subscriptions/{{subscription_id}}"
                ))
                .route(web::patch().to(patch_subscription))
                .route(web::delete().to(delete_subscription)),
            );
    }
}
