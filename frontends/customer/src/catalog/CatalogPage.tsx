import { api, call, type Schemas } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { formatMoney } from "@facet/shared/money";
import { useAsync } from "@facet/shared/useAsync";
import { usePages } from "@facet/shared/usePages";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";

import { EMPTY, type Filters, filtersFromUrl, filtersToUrl, SORTS, toggle, toQuery } from "./filters";
import { ProductImage } from "./ProductImage";

type Summary = Schemas["ProductSummary"];
const PAGE_SIZE = 24;

export function CatalogPage() {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const filters = useMemo(() => filtersFromUrl(new URLSearchParams(key)), [key]);
  const query = useMemo(() => toQuery(filters), [filters]);
  const apply = (next: Filters) => setParams(filtersToUrl(next));

  const facets = useAsync(
    (signal) => {
      const { sort: _sort, ...facetQuery } = query;
      return call(api.GET("/api/v1/products/facets", { params: { query: facetQuery }, signal }));
    },
    [query],
  );
  const { first, items, cursor, loadMore, loadingMore, moreError } = usePages(
    (cursor, signal) => call(api.GET("/api/v1/products", { params: { query: { ...query, limit: PAGE_SIZE, cursor } }, signal })),
    [query],
  );

  return (
    <div className="catalog">
      <FilterPanel filters={filters} facets={facets.data} apply={apply} />
      <section className="results" aria-labelledby="results-title">
        <div className="results-head">
          <h1 id="results-title">
            {filters.q ? `Results for “${filters.q}”` : "All jewelry"}
            {facets.data && <span className="count"> · {facets.data.total} products</span>}
          </h1>
          <label className="sort">
            Sort by{" "}
            <select
              value={filters.sort}
              onChange={(e) => apply({ ...filters, sort: e.target.value as Filters["sort"] })}
            >
              <option value="">{filters.q ? "Best match" : "Newest"}</option>
              {SORTS.filter((s) => s.value !== "relevance" || filters.q).map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorMessage error={first.error ?? facets.error} />
        {first.status === "loading" && !first.data && <p className="loading">Loading products…</p>}
        {first.status === "done" && items.length === 0 && (
          <p className="empty">
            Nothing matches these filters. <Link to="/">Show everything</Link>
          </p>
        )}
        <ul className="grid" aria-busy={first.status === "loading"}>
          {items.map((product, index) => (
            <li key={product.id}>
              <ProductCard product={product} eager={index < 4} />
            </li>
          ))}
        </ul>
        <ErrorMessage error={moreError} />
        {first.status === "done" && cursor && (
          <button type="button" className="more" onClick={loadMore} disabled={loadingMore}>
            {loadingMore ? "Loading…" : "Load more"}
          </button>
        )}
      </section>
    </div>
  );
}

function ProductCard({ product, eager }: { product: Summary; eager: boolean }) {
  return (
    <Link to={`/products/${product.id}`} className="card">
      <ProductImage
        image={product.image}
        alt={product.name}
        sizes="(max-width: 640px) 50vw, 240px"
        eager={eager}
      />
      <span className="name">{product.name}</span>
      <span className="meta">
        {product.material} · {product.seller.display_name}
      </span>
      <span className="price">{formatMoney(product.price_cents, product.currency)}</span>
      {!product.in_stock && <span className="badge">Sold out</span>}
    </Link>
  );
}

function FilterPanel(props: { filters: Filters; facets: Schemas["Facets"] | undefined; apply: (f: Filters) => void }) {
  const { filters, facets, apply } = props;
  const [text, setText] = useState(filters);
  useEffect(() => setText(filters), [filters]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply({ ...filters, q: text.q, minPrice: text.minPrice, maxPrice: text.maxPrice });
  };
  const active = filtersToUrl(filters).toString() !== "";
  // On a phone the filters start folded so the products are on the first screen.
  const [open] = useState(() => !window.matchMedia?.("(max-width: 720px)").matches);
  return (
    <details className="filters" open={open}>
      <summary>Filters{active ? " (active)" : ""}</summary>
      <form onSubmit={submit} role="search">
        <label>
          Search
          <input
            type="search"
            name="q"
            value={text.q}
            maxLength={100}
            onChange={(e) => setText({ ...text, q: e.target.value })}
          />
        </label>
        <fieldset className="price-range">
          <legend>Price</legend>
          <PriceInput label="Min" value={text.minPrice} hint={facets?.price?.min_cents} onChange={(minPrice) => setText({ ...text, minPrice })} />
          <PriceInput label="Max" value={text.maxPrice} hint={facets?.price?.max_cents} onChange={(maxPrice) => setText({ ...text, maxPrice })} />
        </fieldset>
        <button type="submit">Apply</button>
      </form>
      <label className="check">
        <input
          type="checkbox"
          checked={filters.inStock}
          onChange={(e) => apply({ ...filters, inStock: e.target.checked })}
        />
        In stock only
      </label>
      <Choices
        legend="Material"
        options={(facets?.materials ?? []).map((m) => ({ value: m.value, label: m.value, count: m.count }))}
        selected={filters.material}
        onToggle={(value) => apply({ ...filters, material: toggle(filters.material, value) })}
      />
      <Choices
        legend="Category"
        options={(facets?.categories ?? []).map((c) => ({ value: c.slug, label: c.name, count: c.count }))}
        selected={filters.category}
        onToggle={(value) => apply({ ...filters, category: toggle(filters.category, value) })}
      />
      <label>
        Seller
        <select value={filters.seller} onChange={(e) => apply({ ...filters, seller: e.target.value })}>
          <option value="">All sellers</option>
          {(facets?.sellers ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.display_name} ({s.count})
            </option>
          ))}
        </select>
      </label>
      {active && (
        <button type="button" className="link" onClick={() => apply(EMPTY)}>
          Clear all filters
        </button>
      )}
    </details>
  );
}

function PriceInput(props: { label: string; value: string; hint: number | undefined; onChange: (value: string) => void }) {
  return (
    <label>
      {props.label}
      <input
        inputMode="decimal"
        name={`${props.label.toLowerCase()}_price`}
        value={props.value}
        placeholder={props.hint === undefined ? "" : String(Math.round(props.hint / 100))}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

function Choices(props: {
  legend: string;
  options: { value: string; label: string; count: number }[];
  selected: string[];
  onToggle: (value: string) => void;
}) {
  const { legend, options, selected, onToggle } = props;
  // A selected value with no matches left still shows, so it can be unticked.
  const shown = [
    ...options,
    ...selected.filter((v) => !options.some((o) => o.value === v)).map((v) => ({ value: v, label: v, count: 0 })),
  ];
  return (
    <fieldset>
      <legend>{legend}</legend>
      {shown.map((option) => (
        <label key={option.value} className="check">
          <input
            type="checkbox"
            checked={selected.includes(option.value)}
            onChange={() => onToggle(option.value)}
          />
          {option.label} <span className="count">({option.count})</span>
        </label>
      ))}
    </fieldset>
  );
}
