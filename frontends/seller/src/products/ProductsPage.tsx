import { Field } from "@facet/shared/account";
import { api, call } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { formatMoney } from "@facet/shared/money";
import { usePages } from "@facet/shared/usePages";
import { useEffect, useId, useState } from "react";
import { Link, useSearchParams } from "react-router";

import {
  applyEdits,
  deleteQuestion,
  matchesSearch,
  type Product,
  removalNotice,
  removeProduct,
  setStatus,
  type Status,
  STATUS_TABS,
  statusActions,
  statusFromUrl,
  statusNotice,
} from "./list";
import { useNotice } from "./notice";
import "./products.css";

const PAGE_SIZE = 50;

/** The seller's own products, every status, newest first, with the everyday actions per row. */
export default function ProductsPage() {
  const [params, setParams] = useSearchParams();
  const status = statusFromUrl(params.get("status"));
  const urlQuery = params.get("q") ?? "";
  // The box is typed into locally (a URL update is a router transition) and mirrored to ?q=.
  const [query, setQuery] = useState(urlQuery);
  useEffect(() => setQuery(urlQuery), [urlQuery]);
  const hintId = useId();

  const [notice, setNotice] = useNotice();
  const [actionError, setActionError] = useState<unknown>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const { first, items, cursor, loadMore, loadingMore, moreError } = usePages(
    (cursor, signal) =>
      call(api.GET("/api/v1/seller/products", { params: { query: { status: status ?? undefined, limit: PAGE_SIZE, cursor } }, signal })),
    [status],
  );
  // Publish, archive and delete change rows in place: the pages are not fetched again.
  const [edits, setEdits] = useState<ReadonlyMap<string, Product | null>>(new Map());
  useEffect(() => setEdits(new Map()), [status]);

  const loaded = applyEdits(items, edits);
  const shown = query.trim() ? loaded.filter((product) => matchesSearch(product, query)) : loaded;

  function search(value: string) {
    setQuery(value);
    const next = new URLSearchParams(params);
    if (value) next.set("q", value);
    else next.delete("q");
    setParams(next, { replace: true }); // one history entry per search, not per keystroke
  }

  async function act(product: Product, run: () => Promise<string>) {
    setBusyId(product.id);
    setActionError(null);
    setNotice("");
    try {
      setNotice(await run());
    } catch (error) {
      setActionError(error);
    } finally {
      setBusyId(null);
    }
  }

  const edit = (id: string, product: Product | null) => setEdits((previous) => new Map(previous).set(id, product));

  const changeStatus = (product: Product, next: Status) =>
    act(product, async () => {
      const updated = await setStatus(product.id, next);
      edit(product.id, updated);
      return statusNotice(updated);
    });

  const remove = (product: Product) =>
    act(product, async () => {
      const outcome = await removeProduct(product.id);
      edit(product.id, outcome.deleted ? null : outcome.product);
      return removalNotice(product.name, outcome);
    });

  const tabSearch = (value: Status | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set("status", value);
    else next.delete("status");
    return `?${next}`;
  };

  return (
    <section aria-labelledby="products-title">
      <div className="page-head">
        <h1 id="products-title">Products</h1>
        <Link to="/products/new" className="button primary">
          New product
        </Link>
      </div>
      <div className="products-toolbar">
        <nav aria-label="Product status" className="tabs">
          {STATUS_TABS.map((tab) => (
            <Link
              key={tab.label}
              to={tabSearch(tab.value)}
              className={tab.value === status ? "active" : undefined}
              aria-current={tab.value === status ? "page" : undefined}
            >
              {tab.label}
            </Link>
          ))}
        </nav>
        <div className="product-search" role="search">
          <Field label="Search products">
            <input
              type="search"
              value={query}
              maxLength={100}
              aria-describedby={hintId}
              onChange={(e) => search(e.target.value)}
            />
          </Field>
          <p id={hintId} className="meta">
            Matches names and materials of the products loaded below; “Load more” to search further.
          </p>
        </div>
      </div>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <ErrorMessage error={first.error ?? actionError} />
      {first.status === "loading" && !first.data && <p className="loading">Loading products…</p>}
      {first.status === "done" && loaded.length === 0 && (
        <p>
          {status ? "No products with this status." : "No products yet."}{" "}
          <Link to="/products/new">Create one</Link>
        </p>
      )}
      {query.trim() && loaded.length > 0 && (
        <p className="meta" aria-live="polite">
          {shown.length} of {loaded.length} loaded products match “{query.trim()}”.
        </p>
      )}
      {shown.length > 0 && (
        <div className="table-scroll products-scroll">
          <table className="data products-table" aria-busy={first.status === "loading"}>
            <thead>
              <tr>
                <th>
                  <span className="visually-hidden">Picture</span>
                </th>
                <th>Name</th>
                <th>Status</th>
                <th className="num">Price</th>
                <th className="num">Stock</th>
                <th className="num">Sold</th>
                <th>Updated</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((product) => (
                <ProductRow
                  key={product.id}
                  product={product}
                  busy={busyId === product.id}
                  onStatus={(next) => changeStatus(product, next)}
                  onDelete={() => remove(product)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={moreError} />
      {first.status === "done" && cursor && (
        <button type="button" className="more" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}

function ProductRow(props: {
  product: Product;
  busy: boolean;
  onStatus: (status: Status) => void;
  onDelete: () => void;
}) {
  const { product, busy } = props;
  return (
    <tr>
      <td>
        <Thumbnail product={product} />
      </td>
      <td>
        <Link to={`/products/${product.id}`}>{product.name}</Link>
        <span className="meta product-material">{product.material}</span>
      </td>
      <td>
        <span className={`status status-${product.status}`}>{product.status}</span>
      </td>
      <td className="num">{formatMoney(product.price_cents, product.currency)}</td>
      <td className="num">{product.stock}</td>
      <td className="num">{product.units_sold}</td>
      <td>
        <time dateTime={product.updated_at}>{new Date(product.updated_at).toLocaleDateString()}</time>
      </td>
      <td>
        <div className="row-actions">
          {statusActions(product.status, false).map((action) => (
            <button
              key={action.status}
              type="button"
              disabled={busy}
              aria-label={`${action.label} ${product.name}`}
              onClick={() => {
                if (!action.confirm || window.confirm(action.confirm(product.name))) props.onStatus(action.status);
              }}
            >
              {action.label}
            </button>
          ))}
          <button
            type="button"
            className="danger"
            disabled={busy}
            aria-label={`Delete ${product.name}`}
            onClick={() => window.confirm(deleteQuestion(product.name)) && props.onDelete()}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

/** The first ready picture's smallest variant, or a placeholder saying there is none yet. */
function Thumbnail({ product }: { product: Product }) {
  const url = product.image?.urls["200"];
  if (!url) {
    return (
      <span className="thumb no-image" role="img" aria-label={`${product.name}: no picture yet`}>
        <span aria-hidden="true">◇</span>
      </span>
    );
  }
  return <img className="thumb" src={url} alt={product.name} width={48} height={48} loading="lazy" decoding="async" />;
}
