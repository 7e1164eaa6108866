<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="robots" content="none">
<title>Pulse Connect Secure - SSL VPN</title>
<link rel="stylesheet" href="/dana-na/css/ds.css" type="text/css">
<script type="text/javascript" src="/dana-na/css/ds.js"></script>
</head>
<body onload="FinishLoad(1);" leftmargin="0" topmargin="0">
<form name="frmLogin" action="login.cgi" method="POST" autocomplete="off">
<input type="hidden" name="tz_offset">
<table id="table_LoginPage_1" class="tblLogin">
<tr><td>Welcome to the</td></tr>
<tr><td class="cssLarge">Pulse Connect Secure</td></tr>
<tr><td><label for="username">Username</label></td>
<td><input id="username" type="text" name="username" value=""></td></tr>
<tr><td><label for="password">Password</label></td>
<td><input id="password" type="password" name="password" value=""></td></tr>
<tr><td><input type="hidden" name="realm" value="Users"></td></tr>
<tr><td><input type="submit" value="Sign In" name="btnSubmit"></td></tr>
</table>
</form>
</body>
</html>
