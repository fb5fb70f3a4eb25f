// The statistics page's charts: one lazily loaded chunk, the only one with recharts in it.
export { CategoryChart } from "./CategoryChart";
export { SeriesChart } from "./SeriesChart";
