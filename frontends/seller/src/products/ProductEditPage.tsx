import { Field, useSubmit } from "@facet/shared/account";
import { api, call, type Schemas } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { useAsync } from "@facet/shared/useAsync";
import { type KeyboardEvent, type ReactNode, useId, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { ImagesPanel } from "../images/ImagesPanel";
import {
  categoriesChanged,
  checkForm,
  emptyForm,
  findCategory,
  type FormErrors,
  formFromProduct,
  isDirty,
  LIMITS,
  mergeCategories,
  productChanges,
  type ProductForm,
  toggleId,
} from "./form";
import { deleteQuestion, type Product, removalNotice, removeProduct, type Status, statusActions, statusNotice } from "./list";
import { useNotice } from "./notice";
import "./products.css";

type Category = Schemas["CategoryRead"];

/** /products/new creates, /products/:productId edits. Both routes render this same element, so
 * the key starts a fresh editor when one turns into the other (create lands on the edit page). */
export default function ProductEditPage() {
  const { productId } = useParams();
  return <ProductLoader key={productId ?? "new"} productId={productId ?? null} />;
}

function ProductLoader({ productId }: { productId: string | null }) {
  const product = useAsync(
    (signal) =>
      productId
        ? call(api.GET("/api/v1/seller/products/{product_id}", { params: { path: { product_id: productId } }, signal }))
        : Promise.resolve(null),
    [productId],
  );
  const categories = useAsync((signal) => call(api.GET("/api/v1/categories", { signal })), []);
  // The materials in use, as suggestions: the API names the full list when it refuses one.
  const facets = useAsync((signal) => call(api.GET("/api/v1/products/facets", { signal })), []);

  if (product.status === "failed") {
    return (
      <section>
        <h1>Product</h1>
        <ErrorMessage error={product.error} />
        <Link to="/products">Back to your products</Link>
      </section>
    );
  }
  if (product.status === "loading") return <p className="loading">Loading…</p>;
  return (
    <ProductEditor
      saved={product.data}
      categories={categories.data ?? []}
      categoriesError={categories.error}
      materials={facets.data?.materials.map((m) => m.value) ?? []}
    />
  );
}

function ProductEditor(props: {
  saved: Product | null;
  categories: Category[];
  categoriesError: unknown;
  materials: string[];
}) {
  const navigate = useNavigate();
  const [product, setProduct] = useState(props.saved);
  const [form, setForm] = useState<ProductForm>(() => (props.saved ? formFromProduct(props.saved) : emptyForm()));
  const [created, setCreated] = useState<Category[]>([]);
  const [checked, setChecked] = useState(false); // field messages once a save was tried
  const [notice, setNotice] = useNotice();
  const intent = useRef<Status | null>(null); // which submit button: Save, or a status change

  const errors = checkForm(form).errors ?? {};
  const shownErrors: FormErrors = checked ? errors : {};
  const set = <K extends keyof ProductForm>(key: K, value: ProductForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const save = useSubmit(async () => {
    setNotice("");
    setChecked(true);
    const { values } = checkForm(form);
    if (!values) return;
    if (!product) {
      const made = await call(api.POST("/api/v1/seller/products", { body: values }));
      const notice = "Created as a draft. Add pictures below, then publish it.";
      navigate(`/products/${made.id}`, { replace: true, state: { notice } });
      return;
    }
    let current = product;
    if (categoriesChanged(current, values.category_ids)) {
      current = await call(
        api.PUT("/api/v1/seller/products/{product_id}/categories", {
          params: { path: { product_id: current.id } },
          body: { category_ids: values.category_ids },
        }),
      );
      setProduct(current);
    }
    const changes = { ...productChanges(current, values), ...(intent.current ? { status: intent.current } : {}) };
    if (Object.keys(changes).length > 0) {
      current = await call(
        api.PATCH("/api/v1/seller/products/{product_id}", { params: { path: { product_id: current.id } }, body: changes }),
      );
    }
    setProduct(current);
    setForm(formFromProduct(current));
    setChecked(false);
    setNotice(intent.current ? statusNotice(current) : "Saved.");
  });

  const remove = useSubmit(async () => {
    if (!product) return;
    const outcome = await removeProduct(product.id);
    if (outcome.deleted) {
      navigate("/products", { replace: true, state: { notice: removalNotice(product.name, outcome) } });
      return;
    }
    setProduct(outcome.product);
    setNotice(removalNotice(product.name, outcome));
  });

  const dirty = product ? isDirty(product, form) : true;
  const busy = save.busy || remove.busy;
  const ids = useId();

  return (
    <section aria-labelledby="product-title" className="product-edit">
      <p>
        <Link to="/products">← All products</Link>
      </p>
      <div className="page-head">
        <h1 id="product-title">{product ? product.name : "New product"}</h1>
        {product && <span className={`status status-${product.status}`}>{product.status}</span>}
        {product?.status === "active" && (
          <a href={`/products/${product.id}`} className="shop-link">
            View in the shop
          </a>
        )}
      </div>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <form className="product-form" noValidate onSubmit={save.onSubmit}>
        <WithProblem id={`${ids}-name`} error={shownErrors.name}>
          {(describedBy) => (
            <Field label="Name">
              <input
                required
                maxLength={LIMITS.name}
                value={form.name}
                aria-invalid={!!shownErrors.name}
                aria-describedby={describedBy}
                onChange={(e) => set("name", e.target.value)}
              />
            </Field>
          )}
        </WithProblem>
        <WithProblem id={`${ids}-description`} error={shownErrors.description}>
          {(describedBy) => (
            <Field label="Description">
              <textarea
                rows={6}
                maxLength={LIMITS.description}
                value={form.description}
                aria-invalid={!!shownErrors.description}
                aria-describedby={describedBy}
                onChange={(e) => set("description", e.target.value)}
              />
            </Field>
          )}
        </WithProblem>
        <WithProblem
          id={`${ids}-material`}
          error={shownErrors.material}
          hint="One of the shop’s materials, such as gold or silver."
        >
          {(describedBy) => (
            <Field label="Material">
              <input
                required
                list={`${ids}-materials`}
                maxLength={LIMITS.material}
                value={form.material}
                aria-invalid={!!shownErrors.material}
                aria-describedby={describedBy}
                onChange={(e) => set("material", e.target.value)}
              />
              <datalist id={`${ids}-materials`}>
                {[...new Set([...props.materials, ...(product ? [product.material] : [])])].map((material) => (
                  <option key={material} value={material} />
                ))}
              </datalist>
            </Field>
          )}
        </WithProblem>
        <div className="price-row">
          <WithProblem id={`${ids}-price`} error={shownErrors.price}>
            {(describedBy) => (
              <Field label="Price">
                <input
                  required
                  inputMode="decimal"
                  placeholder="49.90"
                  value={form.price}
                  aria-invalid={!!shownErrors.price}
                  aria-describedby={describedBy}
                  onChange={(e) => set("price", e.target.value)}
                />
              </Field>
            )}
          </WithProblem>
          <WithProblem id={`${ids}-currency`} error={shownErrors.currency}>
            {(describedBy) => (
              <Field label="Currency">
                <input
                  required
                  maxLength={3}
                  autoCapitalize="characters"
                  value={form.currency}
                  aria-invalid={!!shownErrors.currency}
                  aria-describedby={describedBy}
                  onChange={(e) => set("currency", e.target.value.toUpperCase())}
                />
              </Field>
            )}
          </WithProblem>
          <WithProblem id={`${ids}-stock`} error={shownErrors.stock}>
            {(describedBy) => (
              <Field label="Stock">
                <input
                  required
                  inputMode="numeric"
                  value={form.stock}
                  aria-invalid={!!shownErrors.stock}
                  aria-describedby={describedBy}
                  onChange={(e) => set("stock", e.target.value)}
                />
              </Field>
            )}
          </WithProblem>
        </div>
        <CategoryPicker
          categories={mergeCategories(props.categories, product?.categories ?? [], created)}
          error={props.categoriesError}
          selected={form.categoryIds}
          problem={shownErrors.categoryIds}
          onToggle={(id) => set("categoryIds", toggleId(form.categoryIds, id))}
          onCreated={(category) => {
            setCreated((c) => [...c, category]);
            setForm((f) => ({ ...f, categoryIds: f.categoryIds.includes(category.id) ? f.categoryIds : [...f.categoryIds, category.id] }));
          }}
        />
        {checked && Object.keys(errors).length > 0 && (
          <p className="error" role="alert">
            Fix the fields marked above first.
          </p>
        )}
        <ErrorMessage error={save.error ?? remove.error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy || (!!product && !dirty)} onClick={() => (intent.current = null)}>
            {product ? "Save changes" : "Create product"}
          </button>
          {product &&
            statusActions(product.status, true).map((action) => (
              <button
                key={action.status}
                type="submit"
                disabled={busy}
                onClick={(event) => {
                  if (action.confirm && !window.confirm(action.confirm(product.name))) event.preventDefault();
                  else intent.current = action.status;
                }}
              >
                {action.label}
              </button>
            ))}
          {product && (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => window.confirm(deleteQuestion(product.name)) && remove.onSubmit()}
            >
              Delete
            </button>
          )}
        </div>
        {product && <p className="meta">Publish, Move to drafts and Archive also save your changes.</p>}
      </form>
      {product && <ImagesPanel product={product} onChange={setProduct} />}
    </section>
  );
}

/** A field, its hint, and once the form was checked what is wrong with it (all tied to the
 * input by aria-describedby). */
function WithProblem(props: {
  id: string;
  error: string | undefined;
  hint?: string;
  children: (describedBy: string | undefined) => ReactNode;
}) {
  const hintId = props.hint ? `${props.id}-hint` : null;
  const errorId = props.error ? `${props.id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="checked-field">
      {props.children(describedBy)}
      {hintId && (
        <p id={hintId} className="meta field-hint">
          {props.hint}
        </p>
      )}
      {errorId && (
        <p id={errorId} className="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** The category checkboxes, and a new category made on the spot (and ticked). */
function CategoryPicker(props: {
  categories: Category[];
  error: unknown;
  selected: string[];
  problem: string | undefined;
  onToggle: (id: string) => void;
  onCreated: (category: Category) => void;
}) {
  const [name, setName] = useState("");
  const add = useSubmit(async () => {
    // A name that exists (in any case) is ticked rather than refused by the API's 409.
    const existing = findCategory(props.categories, name);
    props.onCreated(existing ?? (await call(api.POST("/api/v1/categories", { body: { name: name.trim() } }))));
    setName("");
  });
  // Enter here adds the category; it must not submit the product form around it.
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    if (name.trim()) add.onSubmit();
  };
  return (
    <fieldset className="categories">
      <legend>Categories</legend>
      <ErrorMessage error={props.error} />
      <div className="category-list">
        {props.categories.map((category) => (
          <label key={category.id} className="check">
            <input
              type="checkbox"
              checked={props.selected.includes(category.id)}
              onChange={() => props.onToggle(category.id)}
            />
            {category.name}
          </label>
        ))}
      </div>
      {props.problem && <p className="field-error">{props.problem}</p>}
      <div className="new-category">
        <Field label="New category">
          <input value={name} maxLength={LIMITS.category} onChange={(e) => setName(e.target.value)} onKeyDown={onKeyDown} />
        </Field>
        <button type="button" disabled={add.busy || !name.trim()} onClick={() => add.onSubmit()}>
          Add category
        </button>
      </div>
      <ErrorMessage error={add.error} />
    </fieldset>
  );
}
