//! The `ews-sim` binary: parse the command line, bind, print the address and
//! the credentials, serve until Ctrl-C. See `ews-sim --help`.
#![forbid(unsafe_code)]

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use ews_sim::clock::system_now_ms;
use ews_sim::config::{self, CorsOrigins, HELP};
use ews_sim::{App, Config, Parsed};

fn main() -> ExitCode {
    let cfg = match config::parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(cfg)) => cfg,
        Ok(Parsed::Help) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version) => {
            println!("ews-sim {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("ews-sim: {e}\n(try ews-sim --help)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ews-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(*cfg)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ews-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cfg: Config) -> Result<(), String> {
    if let Some(dir) = &cfg.static_dir
        && !dir.is_dir()
    {
        return Err(format!("--static: {} is not a directory", dir.display()));
    }
    let listener = tokio::net::TcpListener::bind(cfg.listen.as_str())
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let url = format!("http://{addr}");
    let mut banner = format!("ews-sim listening on {url}\n");
    banner.push_str(&format!("access key:  {}\n", cfg.access_key));
    banner.push_str(&format!("secret key:  {}\n", cfg.secret_key));
    banner.push_str(&format!(
        "sign method: {} ({})\n",
        cfg.sign_method.as_str(),
        cfg.sign_method.label()
    ));
    banner.push_str(&format!(
        "fleet:       {} containers (seed {}), one command step every {} ms, fail rate {}\n",
        cfg.containers, cfg.seed, cfg.step_ms, cfg.fail_rate
    ));
    if let Some(dir) = &cfg.static_dir {
        banner.push_str(&format!("console:     {url}/ (from {})\n", dir.display()));
    }
    if cfg.admin {
        banner.push_str(&format!("admin:       {url}/__admin (unsigned)\n"));
    }
    if let CorsOrigins::List(list) = &cfg.cors {
        banner.push_str(&format!("cors:        {}\n", list.join(" ")));
    }
    banner.push_str("state lives in memory and resets on restart; Ctrl-C stops\n");
    let mut out = std::io::stdout().lock();
    // Whoever started us may not read stdout: never fail on it.
    let _ = out.write_all(banner.as_bytes());
    let _ = out.flush();
    drop(out);

    let app = Arc::new(App::new(cfg, system_now_ms()));
    tokio::select! {
        () = ews_sim::serve(listener, app) => Ok(()),
        r = tokio::signal::ctrl_c() => r.map_err(|e| format!("cannot wait for Ctrl-C: {e}")),
    }
}
