import { DeleteAccount, Profile, Sessions } from "@facet/shared/account";
import type { User } from "@facet/shared/session";
import { NavLink, Route, Routes } from "react-router";

/** Profile (the shop name shoppers see), sessions, and deleting the account. */
export default function AccountPage({ user }: { user: User }) {
  return (
    <div className="account">
      <nav aria-label="Account" className="tabs">
        <NavLink to="/account" end>
          Profile
        </NavLink>
        <NavLink to="/account/sessions">Sessions</NavLink>
      </nav>
      <Routes>
        <Route
          index
          element={
            <>
              <Profile user={user} nameLabel="Shop name" />
              <DeleteAccount consequence="Every session ends, your products leave the catalog (archived) and your name, email and password are removed. Orders already placed stay on record." />
            </>
          }
        />
        <Route path="sessions" element={<Sessions />} />
      </Routes>
    </div>
  );
}
