//! dalel's web app: server-rendered HTML over the [`Store`] trait.
//!
//! [`app`] builds the router from an [`AppState`], so tests drive it with `oneshot` and no
//! socket; [`serve`] runs it. Pages: `/` (the people of the archive), `/search?q=` (people by
//! name, in any script), `/people/{id}` (one person with their testimonies, episodes, ID-number
//! checks and history), `/testimonies/new` (the intake form), `/testimonies/{id}` (a testimony
//! with its warnings and the people who may already be in the archive), `/lang?to=kk|ru|en`,
//! `/healthz`. The UI speaks Kazakh, Russian and English ([`Tr`]).
//!
//! This first server has no accounts and no visibility policy yet: it shows everything to
//! whoever can reach it, so it listens on 127.0.0.1 by default and every page says so.

mod error;
mod i18n;
mod intake;
mod pages;
mod testimony;

use std::future::Future;
use std::sync::Arc;

use dalel_store::{Found, PersonIndex, Store};
use tokio::sync::Mutex;

pub use axum::Router;
pub use error::WebError;
pub use i18n::{Lang, Tr};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    /// The name index, built on the first search and brought up to the ledger's head before
    /// each one.
    names: Arc<Mutex<Option<PersonIndex>>>,
}

impl AppState {
    pub fn new(store: impl Store + 'static) -> AppState {
        AppState { store: Arc::new(store), names: Arc::default() }
    }

    /// Searches people by name with the index brought up to the archive's current head.
    async fn search_names(&self, query: &str, limit: usize) -> Result<Vec<Found>, WebError> {
        let mut names = self.names.lock().await;
        match names.as_mut() {
            Some(index) => index.refresh(self.store.as_ref()).await?,
            None => *names = Some(PersonIndex::in_memory(self.store.as_ref()).await?),
        }
        Ok(names.as_ref().map(|index| index.search(query, limit)).transpose()?.unwrap_or_default())
    }
}

/// The whole web app.
pub fn app(state: AppState) -> Router {
    pages::router().merge(intake::router()).merge(testimony::router()).with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
