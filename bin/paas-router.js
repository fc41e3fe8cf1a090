#!/usr/bin/env node
import "../dist/router/main.js";
