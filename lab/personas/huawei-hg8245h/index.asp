<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="Pragma" content="no-cache">
<title>HG8245H</title>
<link rel="icon" type="image/x-icon" href="/images/hwlogo.ico">
<link rel="stylesheet" href="/Cuscss/login.css" type="text/css">
<script language="javascript" src="/resource/common/util.js"></script>
</head>
<body onload="LoadFrame();">
<form id="loginform" name="loginform">
<table id="tblLogin"><tr><td class="title">EchoLife HG8245H</td></tr>
<tr><td>Account:</td><td><input type="text" id="txt_Username" name="txt_Username"></td></tr>
<tr><td>Password:</td><td><input type="password" id="txt_Password" name="txt_Password"></td></tr>
<tr><td><button id="button" type="button" onclick="SubmitForm();">Login</button></td></tr>
</table>
</form>
<div id="copyright">Copyright &copy; Huawei Technologies Co., Ltd. 2009-2016. All rights reserved.</div>
</body>
</html>
