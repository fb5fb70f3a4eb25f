import { ApiError, type FieldError } from "./api/client";

/** What a person reads for any error: the API's `detail`, field by field for a 422. */
export function describeError(error: unknown): { message: string; fields: string[] } {
  if (error instanceof ApiError) {
    return { message: error.detail, fields: error.fields.map(describeField) };
  }
  if (error instanceof Error && error.message) return { message: error.message, fields: [] };
  return { message: "Something went wrong. Please try again.", fields: [] };
}

function describeField(field: FieldError): string {
  // loc is ["body", "password"] or ["query", "min_price"]: the last name is the field.
  const name = [...field.loc].reverse().find((part) => typeof part === "string");
  const label = name && !["body", "query", "path"].includes(name) ? name.replace(/_/g, " ") : "";
  return label ? `${label}: ${field.msg}` : field.msg;
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const { message, fields } = describeError(error);
  return (
    <div role="alert" className="error">
      <p>{message}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((field) => (
            <li key={field}>{field}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
