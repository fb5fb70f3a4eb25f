import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";

import { addToCart, type Cart, emptyCart, loadCart, saveCart, setQuantity } from "./cart";

interface CartState {
  cart: Cart;
  count: number;
  add: (productId: string, quantity: number) => void;
  update: (productId: string, quantity: number) => void;
  replace: (cart: Cart) => void;
  clear: () => void;
}

const CartContext = createContext<CartState | null>(null);

export function CartProvider({ children }: { children: ReactNode }) {
  const [cart, setCart] = useState<Cart>(() => loadCart());

  useEffect(() => saveCart(cart), [cart]);
  useEffect(() => {
    // Another tab changed the cart: take its version.
    const onStorage = (event: StorageEvent) => {
      if (event.key === "facet.cart.v1") setCart(loadCart());
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);

  const add = useCallback((id: string, n: number) => setCart((c) => addToCart(c, id, n)), []);
  const update = useCallback((id: string, n: number) => setCart((c) => setQuantity(c, id, n)), []);
  const clear = useCallback(() => setCart(emptyCart()), []);
  const value = useMemo(
    () => ({
      cart,
      count: cart.lines.reduce((sum, line) => sum + line.quantity, 0),
      add,
      update,
      replace: setCart,
      clear,
    }),
    [cart, add, update, clear],
  );
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartState {
  const state = useContext(CartContext);
  if (!state) throw new Error("useCart outside <CartProvider>");
  return state;
}
