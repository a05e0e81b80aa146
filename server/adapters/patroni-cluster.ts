export { patroniDriver } from "./patroni-cluster/driver";
