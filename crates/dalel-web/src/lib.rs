//! dalel's web app: server-rendered HTML over the [`Store`] trait.
//!
//! [`app`] builds the router from an [`AppState`], so tests drive it with `oneshot` and no
//! socket; [`serve`] runs it. Pages: `/` (the people of the archive), `/search?q=` (people by
//! name, in any script), `/people/{id}` (one
//! person with their testimonies, episodes, ID-number checks and history), `/healthz`.
//!
//! This first server has no accounts and no visibility policy yet: it shows everything to
//! whoever can reach it, so it listens on 127.0.0.1 by default and every page says so.

mod error;
mod pages;

use std::future::Future;
use std::sync::Arc;

use dalel_model::Head;
use dalel_store::{PersonIndex, Store};
use tokio::sync::Mutex;

pub use axum::Router;
pub use error::WebError;

/// A name index and the ledger head it was built at.
type CachedIndex = Option<(Option<Head>, Arc<PersonIndex>)>;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    /// The name index and the ledger head it was built at; rebuilt when the head moves.
    names: Arc<Mutex<CachedIndex>>,
}

impl AppState {
    pub fn new(store: impl Store + 'static) -> AppState {
        AppState { store: Arc::new(store), names: Arc::default() }
    }

    /// The name index as of the archive's current head.
    async fn name_index(&self) -> Result<Arc<PersonIndex>, WebError> {
        let head = self.store.head().await?;
        let mut cached = self.names.lock().await;
        match &*cached {
            Some((at, index)) if *at == head => Ok(index.clone()),
            _ => {
                let index = Arc::new(PersonIndex::in_memory(self.store.as_ref()).await?);
                *cached = Some((head, index.clone()));
                Ok(index)
            }
        }
    }
}

/// The whole web app.
pub fn app(state: AppState) -> Router {
    pages::router().with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
