import { useEffect, useState } from "react";
import { useLocation, useNavigate } from "react-router";

/** A page's status line, starting with the one the previous page sent along (navigate's
 * `state.notice`: "Created…", "Deleted…"). That state is then dropped, so a reload does not
 * announce it again. */
export function useNotice(): [string, (notice: string) => void] {
  const location = useLocation();
  const navigate = useNavigate();
  const sent = (location.state as { notice?: unknown } | null)?.notice;
  const [notice, setNotice] = useState(typeof sent === "string" ? sent : "");
  useEffect(() => {
    if (sent !== undefined) navigate(location, { replace: true, state: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return [notice, setNotice];
}
